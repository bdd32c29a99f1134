"""A ready instrument keeps its pillars and indicators (TIDY's finding: pillar_add still took
a pillar on one). Every competition is made on a ready instrument and the public guide shows
the newest ready one, so adding or removing a pillar or an indicator there would give its
competitions an empty pillar with a weight, or a score-sheet row without descriptors, while
RTs register: refused with ERROR_READY_STRUCTURE (copy it), nothing saved; a draft copy
still takes them. The lock's refusal comes first on a locked instrument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from competitions.stages import ERROR_INSTRUMENT_LOCKED
from indicators import services
from indicators.models import Indicator, Instrument, Pillar
from tests.conftest import make_user
from tests.indicators.test_instrument_pages import snapshot

pytestmark = pytest.mark.django_db

PERWALI = "Instrumen Penilaian Kampung BANTAR"


def refusal(instrument: Instrument) -> str:
    return str(services.ERROR_READY_STRUCTURE) % {"instrument": str(instrument)}


def structural(instrument: Instrument) -> dict[str, Callable[[], object]]:
    pillar = Pillar.objects.filter(instrument=instrument).order_by("order").last()
    assert pillar is not None
    indicator = Indicator.objects.filter(pillar=pillar).order_by("number").last()
    assert indicator is not None
    return {
        "pillar_add": lambda: services.pillar_add(instrument=instrument, code="K", name="K"),
        "indicator_add": lambda: services.indicator_add(pillar=pillar, code="Z9", text="Baru"),
        "pillar_remove": lambda: services.pillar_remove(pillar=pillar),
        "indicator_remove": lambda: services.indicator_remove(indicator=indicator),
    }


EDITS = ["pillar_add", "indicator_add", "pillar_remove", "indicator_remove"]


@pytest.mark.parametrize("held", [False, True], ids=["nobody", "registration"])
@pytest.mark.parametrize("edit", EDITS)
def test_a_ready_instrument_refuses_structural_edits(edit: str, held: bool) -> None:
    copy = services.instrument_mark_ready(
        instrument=services.instrument_copy(
            instrument=Instrument.objects.get(name=PERWALI, version=1)
        )
    )
    if held:
        competition = competition_create(year=2031, instrument=copy)
        Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.REGISTRATION)
        weights = dict(competition.pillar_weights)
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        structural(copy)[edit]()
    assert refused.value.messages == [refusal(copy)]
    assert refused.value.error_list[0].code == "instrument_ready_structure"
    assert snapshot(copy) == before
    copy.refresh_from_db()
    assert copy.ready and not services.instrument_readiness_problems(copy)
    if held:
        competition.refresh_from_db()
        assert competition.pillar_weights == weights


@pytest.mark.parametrize("edit", EDITS)
def test_a_draft_copy_takes_them(edit: str) -> None:
    copy = services.instrument_copy(instrument=Instrument.objects.get(name=PERWALI, version=1))
    before = snapshot(copy)
    structural(copy)[edit]()
    assert snapshot(copy) != before


def test_the_stale_object_does_not_let_an_edit_through() -> None:
    """A pillar loaded while the copy was a draft: its cached instrument says not ready."""
    copy = services.instrument_copy(instrument=Instrument.objects.get(name=PERWALI, version=1))
    pillar = Pillar.objects.select_related("instrument").filter(instrument=copy).last()
    assert pillar is not None and not pillar.instrument.ready
    services.instrument_mark_ready(instrument=Instrument.objects.get(pk=copy.pk))
    with pytest.raises(ValidationError) as refused:
        services.indicator_add(pillar=pillar, code="Z9", text="Baru")
    assert refused.value.messages == [refusal(copy)]
    assert not Indicator.objects.filter(instrument=copy, code="Z9").exists()


def test_a_locked_instrument_says_only_the_lock() -> None:
    shipped = Instrument.objects.get(name=PERWALI, version=1)
    competition = competition_create(year=2031, instrument=shipped)
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.PLENARY)
    with pytest.raises(ValidationError) as refused:
        services.pillar_add(instrument=shipped, code="K", name="K")
    assert refused.value.messages == [
        str(ERROR_INSTRUMENT_LOCKED)
        % {"competition": competition.title, "status": CompetitionStatus.PLENARY.label}
    ]


def test_the_page_says_why_and_saves_nothing(client: Any) -> None:
    client.force_login(make_user("panitia", Role.PANITIA))
    copy = services.instrument_mark_ready(
        instrument=services.instrument_copy(
            instrument=Instrument.objects.get(name=PERWALI, version=1)
        )
    )
    competition_create(year=2031, instrument=copy)  # in Draf: not locked
    pillar = Pillar.objects.filter(instrument=copy).order_by("order").last()
    assert pillar is not None
    indicator = Indicator.objects.filter(pillar=pillar).order_by("number").last()
    assert indicator is not None
    before = snapshot(copy)
    posts = [
        (reverse("pillar-add", args=[copy.pk]), {"code": "K", "name": "Kesehatan"}),
        (reverse("indicator-add", args=[pillar.pk]), {"code": "Z9", "text": "Baru"}),
        (reverse("pillar-remove", args=[pillar.pk]), {}),
        (reverse("indicator-remove", args=[indicator.pk]), {}),
    ]
    detail = reverse("instrument-detail", args=[copy.pk])
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == detail, url
        page = response.content.decode()
        assert refusal(copy).replace("'", "&#x27;") in page, url
        for done in (
            "Pilar ditambahkan.",
            "Indikator ditambahkan;",
            "Pilar dihapus.",
            "Indikator dihapus.",
        ):
            assert done not in page, (url, done)
        assert snapshot(copy) == before, url


def test_the_ready_page_offers_no_structural_edit(client: Any) -> None:
    client.force_login(make_user("panitia", Role.PANITIA))
    draft = services.instrument_copy(instrument=Instrument.objects.get(name=PERWALI, version=1))
    url = reverse("instrument-detail", args=[draft.pk])
    pillar = Pillar.objects.filter(instrument=draft).order_by("order").last()
    indicator = Indicator.objects.filter(instrument=draft).order_by("code").last()
    assert pillar is not None and indicator is not None
    actions = {
        reverse("pillar-add", args=[draft.pk]),
        reverse("indicator-add", args=[pillar.pk]),
        reverse("pillar-remove", args=[pillar.pk]),
        reverse("indicator-remove", args=[indicator.pk]),
    }

    def offered(page: str) -> set[str]:
        return {action for action in actions if f'action="{action}"' in page}

    page = client.get(url).content.decode()
    assert offered(page) == actions
    assert 'data-testid="instrument-ready-structure"' not in page
    services.instrument_mark_ready(instrument=draft)
    page = client.get(url).content.decode()
    assert offered(page) == set()
    assert 'data-testid="instrument-ready-structure"' in page
    assert f'data-testid="indicator-edit-{indicator.code}"' in page  # text, descriptors still
