"""Issue 14: the instrument, its pillars, indicators and levels, and a competition on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers import deserialize, serialize
from django.db import IntegrityError, transaction
from django.utils import translation

from competitions.models import (
    ERROR_SCALE_NOT_INSTRUMENT,
    ERROR_WEIGHTS,
    Competition,
    CompetitionStatus,
)
from competitions.services import ERROR_NO_INSTRUMENT, competition_create
from indicators.models import (
    ERROR_INDICATOR_OTHER_INSTRUMENT,
    ERROR_LEVEL_NAMES,
    ERROR_LEVEL_OUTSIDE_SCALE,
    ERROR_SCALE,
    Indicator,
    Instrument,
    Level,
    Pillar,
)
from indicators.selectors import (
    default_weights_for,
    indicator_pillars,
    indicators_of,
    instrument_for,
    level_names_of,
    newest_instrument,
    pillar_codes,
    pillar_names,
    pillars_of,
)
from tests.indicators.instruments import make_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def perwali() -> Instrument:
    return Instrument.objects.get(legal_basis="Perwali Jambi No. 11 Tahun 2019")


def messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(str(m) for m in error.value.messages)


def test_the_shipped_instrument_is_todays_catalogue(perwali):
    assert (perwali.name, perwali.version, perwali.parent) == (
        "Instrumen Penilaian Kampung BANTAR",
        1,
        None,
    )
    assert list(perwali.scale) == [1, 2, 3, 4, 5]
    assert pillar_codes(perwali) == ["B", "A", "P"]
    assert pillar_names(perwali) == {"B": "Bersih", "A": "Aman", "P": "Pintar"}
    codes = list(indicators_of(perwali).values_list("code", flat=True))
    assert codes == [
        f"{p}{n}" for p, count in (("B", 7), ("A", 7), ("P", 7)) for n in range(1, count + 1)
    ]
    assert Level.objects.filter(indicator__instrument=perwali).count() == 21 * 5
    assert level_names_of(perwali) == {
        1: "Sangat kurang",
        2: "Kurang",
        3: "Cukup",
        4: "Baik",
        5: "Sangat baik",
    }
    perwali.full_clean()  # the fixture passes its own model's checks


def test_the_shipped_level_names_are_translated_and_a_new_instruments_are_its_own(perwali):
    with translation.override("en"):
        assert perwali.level_name(1) == "Very poor"
    other = make_instrument()
    assert level_names_of(other) == {1: "Tingkat 1", 2: "Tingkat 2", 3: "Tingkat 3", 4: "Tingkat 4"}
    level = Indicator.objects.with_levels().get(instrument=other, code="LH1").levels.all()[0]
    assert level.name == "Tingkat 1"


def test_a_level_name_is_read_without_a_query_through_with_levels(
    perwali, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the indicators with pillar and instrument, the levels
        names = [level.name for i in Indicator.objects.with_levels() for level in i.levels.all()]
    assert names[:5] == ["Sangat kurang", "Kurang", "Cukup", "Baik", "Sangat baik"]


@pytest.mark.parametrize(
    ("low", "high", "names", "field", "error"),
    [
        (5, 1, {}, "scale_max", ERROR_SCALE),
        (0, 11, {}, "scale_max", ERROR_SCALE),
        (1, 4, {"1": "a", "2": "b", "3": "c"}, "level_names", ERROR_LEVEL_NAMES),
        (1, 3, {"1": "a", "2": "b", "3": "c", "4": "d"}, "level_names", ERROR_LEVEL_NAMES),
        (1, 3, {"1": "a", "2": " ", "3": "c"}, "level_names", ERROR_LEVEL_NAMES),
    ],
    ids=["upside-down", "too-wide", "a-name-missing", "a-name-too-many", "a-blank-name"],
)
def test_an_instrument_refuses_a_bad_scale_or_level_names(low, high, names, field, error):
    instrument = Instrument(name="X", scale_min=low, scale_max=high, level_names=names)
    with pytest.raises(ValidationError) as refused:
        instrument.full_clean()
    assert field in refused.value.message_dict
    assert str(error).split("%")[0] in " ".join(refused.value.message_dict[field])


def test_a_level_outside_the_instruments_scale_is_refused():
    instrument = make_instrument(scale=(1, 4))
    indicator = Indicator.objects.get(instrument=instrument, code="LH1")
    Level.objects.filter(indicator=indicator, value=4).delete()
    Level(indicator=indicator, value=4, descriptor="Baik sekali").full_clean()
    with pytest.raises(ValidationError) as refused:
        Level(indicator=indicator, value=5, descriptor="Di luar skala").full_clean()
    assert str(ERROR_LEVEL_OUTSIDE_SCALE).split("%")[0] in messages(refused)


def test_codes_are_unique_per_instrument_not_across_instruments(perwali):
    other = make_instrument(pillars=("B", "A"), indicators=2)  # the same codes as Perwali's
    assert pillar_codes(other) == ["B", "A"]
    assert Indicator.objects.filter(code="B1").count() == 2
    pillar = Pillar.objects.get(instrument=other, code="B")
    with pytest.raises(ValidationError):
        Indicator(pillar=pillar, code="B1", number=7, text="Kembar").full_clean()
    with pytest.raises(ValidationError):
        Pillar(instrument=other, code="B", name="Lagi", order=9).full_clean()
    with pytest.raises(ValidationError):
        Pillar(instrument=other, code="C", name="Urutan kembar", order=1).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Indicator.objects.create(pillar=pillar, code="B1", number=8, text="Kembar")


@pytest.mark.parametrize("code", ["b1", "1B", "B-1", "ABCDEFGHIJK"])
def test_an_indicator_code_must_follow_the_general_pattern(code):
    pillar = Pillar.objects.get(instrument=make_instrument(), code="LH")
    with pytest.raises(ValidationError) as refused:
        Indicator(pillar=pillar, code=code, number=9, text="Kode salah").full_clean()
    assert "code" in refused.value.message_dict


def test_an_indicator_takes_its_pillars_instrument_and_refuses_another(perwali):
    other = make_instrument()
    pillar = Pillar.objects.get(instrument=other, code="SO")
    indicator = Indicator(pillar=pillar, code="SO9", number=9, text="Baru")
    indicator.full_clean()
    assert indicator.instrument_id == other.pk
    with pytest.raises(ValidationError) as refused:
        Indicator(instrument=perwali, pillar=pillar, code="SO8", number=8, text="X").full_clean()
    assert str(ERROR_INDICATOR_OTHER_INSTRUMENT).split("%")[0] in messages(refused)


def test_pillars_come_in_the_instruments_order_not_the_order_they_were_made():
    instrument = make_instrument(pillars=("X", "Y", "Z"), indicators=3)
    Pillar.objects.filter(instrument=instrument, code="X").update(order=9)
    assert pillar_codes(instrument) == ["Y", "Z", "X"]
    assert [p.code for p in pillars_of(instrument)] == ["Y", "Z", "X"]
    assert list(indicator_pillars(instrument)) == ["Y1", "Z1", "X1"]


def test_natural_keys_name_the_instrument(perwali):
    pillar = Pillar.objects.get(instrument=perwali, code="A")
    assert pillar.natural_key() == ("A", "Instrumen Penilaian Kampung BANTAR", 1)
    assert Pillar.objects.get_by_natural_key(*pillar.natural_key()) == pillar
    indicator = Indicator.objects.get(instrument=perwali, code="A3")
    assert Indicator.objects.get_by_natural_key(*indicator.natural_key()) == indicator
    assert Instrument.objects.get_by_natural_key(*perwali.natural_key()) == perwali
    text = serialize(
        "json", [indicator], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    (loaded,) = deserialize("json", text)
    assert loaded.object.pillar_id == pillar.pk and loaded.object.instrument_id == perwali.pk


def test_selectors_answer_in_one_query_each(perwali, django_assert_num_queries):
    competition = Competition.objects.get(year=2020)
    with django_assert_num_queries(1):
        instrument = instrument_for(competition)
    for read in (pillars_of, pillar_codes, pillar_names, indicator_pillars, default_weights_for):
        with django_assert_num_queries(1):
            read(instrument)
    loaded = Competition.objects.select_related("instrument").get(year=2020)
    with django_assert_num_queries(0):
        instrument_for(loaded)
    assert instrument == perwali


def test_every_existing_competition_is_on_the_shipped_instrument(perwali):
    assert set(Competition.objects.values_list("instrument", flat=True)) == {perwali.pk}


def test_a_competition_is_created_on_the_newest_instrument_or_the_one_chosen(perwali):
    assert competition_create(year=2031).instrument == perwali
    four = make_instrument(scale=(1, 4))
    assert newest_instrument() == four
    made = competition_create(year=2032)
    assert made.instrument == four
    assert (made.scale_min, made.scale_max) == (1, 4)
    assert made.pillar_weights == {"LH": "1", "SO": "1", "EK": "1", "KS": "1"}
    chosen = competition_create(year=2033, instrument=perwali)
    assert (chosen.instrument, chosen.pillar_weights) == (perwali, {"B": "1", "A": "1", "P": "1"})


def test_no_competition_without_an_instrument():
    Competition.objects.all().delete()
    Level.objects.all().delete()
    Indicator.objects.all().delete()
    Pillar.objects.all().delete()
    Instrument.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        competition_create(year=2031)
    assert messages(refused) == str(ERROR_NO_INSTRUMENT)


@pytest.mark.parametrize(
    "weights",
    [
        {"B": "1", "A": "1", "P": "1"},  # Perwali's keys on a 4-pillar instrument
        {"LH": "1", "SO": "1", "EK": "1"},
        {"LH": "1", "SO": "1", "EK": "1", "KS": "1", "B": "1"},
        {"LH": "1", "SO": "-1", "EK": "1", "KS": "1"},
        {"LH": "0", "SO": "0", "EK": "0", "KS": "0"},
        {"LH": "x", "SO": "1", "EK": "1", "KS": "1"},
        ["1", "1", "1", "1"],
    ],
)
def test_the_weights_name_exactly_the_instruments_pillars(weights):
    competition = competition_create(year=2032, instrument=make_instrument())
    competition.pillar_weights = weights
    with pytest.raises(ValidationError) as refused:
        competition.full_clean()
    expected = str(ERROR_WEIGHTS) % {"codes": "LH, SO, EK, KS"}
    assert refused.value.message_dict["pillar_weights"] == [expected]


def test_the_competitions_scale_is_its_instruments():
    competition = competition_create(year=2032, instrument=make_instrument(scale=(1, 4)))
    competition.pillar_weights = {"LH": "2", "SO": "1", "EK": "1", "KS": "0"}
    competition.full_clean()
    competition.scale_max = 5
    with pytest.raises(ValidationError) as refused:
        competition.full_clean()
    assert str(ERROR_SCALE_NOT_INSTRUMENT).split("%")[0] in messages(refused)


def test_a_used_instrument_cannot_be_deleted(perwali):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        perwali.delete()


def test_the_admin_shows_instruments_read_mostly(client, admin_user, perwali):
    client.force_login(admin_user)
    assert client.get("/admin/indicators/instrument/").status_code == 200
    page = client.get(f"/admin/indicators/instrument/{perwali.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="legal_basis"' in body and 'name="scale_max"' not in body
    assert client.get("/admin/indicators/instrument/add/").status_code == 403
    assert client.get(f"/admin/indicators/instrument/{perwali.pk}/delete/").status_code == 403


def test_the_admin_fixes_a_competitions_instrument_once_it_leaves_draft(client, admin_user):
    client.force_login(admin_user)
    competition = competition_create(year=2031)
    draft = client.get(f"/admin/competitions/competition/{competition.pk}/change/").content
    assert b'name="instrument"' in draft
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.REGISTRATION)
    opened = client.get(f"/admin/competitions/competition/{competition.pk}/change/").content
    assert b'name="instrument"' not in opened


def test_a_competition_made_without_rules_gets_the_newest_instruments_and_its_weights(perwali):
    assert Competition(year=2031).pillar_weights == {"B": "1", "A": "1", "P": "1"}
    four = make_instrument()
    made = Competition(year=2032, title="Tanpa aturan", scale_max=4)
    assert made.instrument == four
    assert made.pillar_weights == {"LH": "1", "SO": "1", "EK": "1", "KS": "1"}
    made.full_clean()
