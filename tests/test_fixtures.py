"""The master data shipped in fixtures/ matches the city's official lists."""

from __future__ import annotations

import re

import pytest

from competitions.models import Competition, Kecamatan, Kelurahan
from indicators.models import Indicator, Level, Pillar

pytestmark = pytest.mark.django_db


def test_it_has_the_11_kecamatan_of_kota_jambi():
    assert Kecamatan.objects.count() == 11
    assert Kecamatan.objects.filter(name="Pasar Jambi").exists()


def test_it_has_68_kelurahan_of_which_62_were_in_force_in_2020():
    assert Kelurahan.objects.count() == 68
    assert Kelurahan.objects.active_in(2020).count() == 62
    assert Kelurahan.objects.filter(active_from=2023).count() == 6
    assert Kelurahan.objects.active_in(2026).count() == 68


def test_region_codes_are_unique_and_well_formed():
    kecamatan_codes = list(Kecamatan.objects.values_list("code", flat=True))
    assert len(set(kecamatan_codes)) == len(kecamatan_codes)
    assert all(re.fullmatch(r"15\.71\.\d{2}", code) for code in kecamatan_codes)
    kelurahan = list(Kelurahan.objects.select_related("kecamatan"))
    assert len({k.code for k in kelurahan}) == len(kelurahan)
    for item in kelurahan:
        assert re.fullmatch(r"15\.71\.\d{2}\.\d{4}", item.code), item.code
        assert item.code.startswith(item.kecamatan.code + "."), item.code


def test_it_uses_the_kemendagri_spellings():
    names = set(Kelurahan.objects.values_list("name", flat=True))
    assert {"Thehok", "Sijenjang", "Suka Karya", "Simpang III Sipin", "Eka Jaya"} <= names


def test_it_has_21_indicators_seven_per_pillar():
    assert Indicator.objects.count() == 21
    for pillar in Pillar.objects.all():
        codes = list(pillar.indicators.values_list("code", flat=True))
        assert codes == [f"{pillar.code}{n}" for n in range(1, 8)]


def test_every_indicator_has_a_descriptor_for_each_level_1_to_5():
    assert Level.objects.count() == 105
    for indicator in Indicator.objects.prefetch_related("levels"):
        levels = list(indicator.levels.all())
        assert [level.value for level in levels] == [1, 2, 3, 4, 5]
        assert len({level.descriptor for level in levels}) == 5
        assert all(len(level.descriptor.split()) >= 8 for level in levels)


def test_the_indicator_texts_are_those_of_the_perwali():
    assert Indicator.objects.get(code="B1").text == (
        "Memiliki Sarana dan Prasarana permukiman dan perumahan sehat dan tertata rapi."
    )
    assert Indicator.objects.get(code="P6").text == (
        "Lingkungan yang bebas dari tingkat Kematian Ibu Hamil dan Balita."
    )


def test_the_2020_competition_has_the_default_bands_and_prizes():
    competition = Competition.objects.get(year=2020)
    bands = {
        category.code: (category.min_kk, category.max_kk, category.prize)
        for category in competition.size_categories.all()
    }
    assert bands == {
        "besar": (100, None, 10_000_000),
        "sedang": (60, 99, 7_000_000),
        "kecil": (30, 59, 5_000_000),
    }
    assert competition.pass_mark == 70
    assert competition.pillar_weights == {"B": "1", "A": "1", "P": "1"}
