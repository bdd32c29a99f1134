from __future__ import annotations

from typing import Any

import pytest

from bantar.models import Role
from competitions.models import Kecamatan
from tests.conftest import make_user


def entry_form(**overrides: Any) -> dict[str, Any]:
    """What a kelurahan officer types for a new RT."""
    data = {
        "client_token": "",
        "rt": "",
        "new_rt_number": "8",
        "kampung_name": "Kampung Bunga Tanjung",
        "ketua_rt": "Pak Syamsul Bahri",
        "phone": "0812-7411-2233",
        "kk_count": "75",
        "address": "Jl. Kapten Pattimura Lr. Melati",
        "latitude": "",
        "longitude": "",
        "note": "",
        "propose": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer_pasar_jambi(db):
    """A petugas kecamatan of Pasar Jambi, where Beringin lies."""
    return make_user(
        "kecamatan.pasar", Role.KECAMATAN, kecamatan=Kecamatan.objects.get(name="Pasar Jambi")
    )
