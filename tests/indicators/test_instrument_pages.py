"""Issue 14 item 3, a new version, not an edit: the copy is deep and independent, a used
instrument is locked in every edit service, the editor's pages and the new competition
on a chosen instrument."""

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
from indicators.models import ERROR_LEVEL_NAMES, Indicator, Instrument, Level, Pillar
from indicators.selectors import pillar_codes
from tests.conftest import count_queries, make_user

pytestmark = pytest.mark.django_db

PERWALI = "Instrumen Penilaian Kampung BANTAR"


def shipped() -> Instrument:
    return Instrument.objects.get(name=PERWALI, version=1)


def ready_copy(instrument: Instrument) -> Instrument:
    """A new version the panitia has finished: marked ready, so a competition may use it."""
    return services.instrument_mark_ready(
        instrument=services.instrument_copy(instrument=instrument)
    )


def snapshot(instrument: Instrument) -> dict[str, Any]:
    """Everything a juror or the results read of an instrument, by value."""
    instrument.refresh_from_db()
    return {
        "fields": (
            instrument.name,
            instrument.legal_basis,
            instrument.version,
            instrument.scale_min,
            instrument.scale_max,
            instrument.level_names,
        ),
        "pillars": list(
            Pillar.objects.filter(instrument=instrument)
            .order_by("order")
            .values_list("code", "name", "order", "description")
        ),
        "indicators": list(
            Indicator.objects.filter(instrument=instrument)
            .order_by("code")
            .values_list("code", "pillar__code", "number", "text", "guidance")
        ),
        "levels": list(
            Level.objects.filter(indicator__instrument=instrument)
            .order_by("indicator__code", "value")
            .values_list("indicator__code", "value", "descriptor")
        ),
    }


def test_copy_is_deep_and_a_new_version():
    original = shipped()
    before = snapshot(original)
    copy = services.instrument_copy(instrument=original)
    assert (copy.version, copy.parent_id, copy.name) == (2, original.pk, original.name)
    after = snapshot(copy)
    assert after["pillars"] == before["pillars"] and len(after["pillars"]) == 3
    assert after["indicators"] == before["indicators"] and len(after["indicators"]) == 21
    assert after["levels"] == before["levels"] and len(after["levels"]) == 21 * 5
    assert after["fields"][3:] == before["fields"][3:]
    # New rows, not shared ones.
    assert not set(
        Level.objects.filter(indicator__instrument=copy).values_list("pk", flat=True)
    ) & set(Level.objects.filter(indicator__instrument=original).values_list("pk", flat=True))
    # A copy of the copy is version 3 of the same name.
    assert services.instrument_copy(instrument=original).version == 3


def test_editing_the_copy_leaves_the_original_identical():
    original = shipped()
    before = snapshot(original)
    copy = services.instrument_copy(instrument=original)
    b1 = Indicator.objects.get(instrument=copy, code="B1")
    services.indicator_update(
        indicator=b1,
        text="Teks baru",
        guidance="Petunjuk baru",
        descriptors={**{v: f"Uraian {v}" for v in range(1, 6)}, 3: "Uraian baru"},
    )
    pillar = Pillar.objects.get(instrument=copy, code="A")
    services.pillar_update(pillar=pillar, name="Aman", description="Baru")
    services.pillar_move(pillar=pillar, up=True)
    added = services.pillar_add(instrument=copy, code="K", name="Kesehatan")
    services.indicator_add(pillar=added, code="K1", text="Posyandu aktif")
    services.indicator_remove(indicator=Indicator.objects.get(instrument=copy, code="P7"))
    services.instrument_update(
        instrument=copy,
        name="Instrumen Revisi",
        legal_basis="Perwali Jambi No. 1 Tahun 2027",
        scale_min=1,
        scale_max=4,
        level_names={1: "Kurang", 2: "Cukup", 3: "Baik", 4: "Sangat baik"},
    )
    assert snapshot(original) == before
    edited = snapshot(copy)
    assert [p[0] for p in edited["pillars"]] == ["A", "B", "P", "K"]
    assert ("B1", 3, "Uraian baru") in edited["levels"]
    assert not [level for level in edited["levels"] if level[1] == 5]  # dropped with the scale
    assert "P7" not in [i[0] for i in edited["indicators"]]


def test_scale_and_level_names_must_agree():
    copy = services.instrument_copy(instrument=shipped())
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        services.instrument_update(
            instrument=copy,
            name=copy.name,
            legal_basis="",
            scale_min=1,
            scale_max=4,
            level_names={1: "a", 2: "b", 3: "c", 4: "d", 5: "e"},
        )
    assert ERROR_LEVEL_NAMES % {"low": 1, "high": 4} in refused.value.messages
    with pytest.raises(ValidationError):
        services.instrument_update(
            instrument=copy,
            name=copy.name,
            legal_basis="",
            scale_min=1,
            scale_max=3,
            level_names={1: "a", 2: " ", 3: "c"},
        )
    assert snapshot(copy) == before


def test_a_descriptor_outside_the_scale_is_refused():
    copy = services.instrument_copy(instrument=shipped())
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(
            indicator=Indicator.objects.get(instrument=copy, code="B2"),
            text="Teks",
            guidance="",
            descriptors={6: "Terlalu tinggi"},
        )
    assert refused.value.messages == [
        str(services.ERROR_DESCRIPTOR_OUTSIDE_SCALE % {"value": 6, "low": 1, "high": 5})
    ]
    assert snapshot(copy) == before


def test_every_value_of_the_scale_needs_a_descriptor(client):
    """The scoring page offers only values with a descriptor: none may be left blank."""
    copy = services.instrument_copy(instrument=shipped())
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(
            indicator=Indicator.objects.get(instrument=copy, code="B2"),
            text="Teks",
            guidance="",
            descriptors={1: "a", 2: " ", 3: "c", 4: "d"},
        )
    assert refused.value.messages == [str(services.ERROR_DESCRIPTOR_MISSING % {"values": "2, 5"})]
    assert snapshot(copy) == before
    # A wider scale leaves the new value without descriptors: the page says which indicators.
    services.instrument_update(
        instrument=copy,
        name=copy.name,
        legal_basis="",
        scale_min=0,
        scale_max=5,
        level_names={v: f"Tingkat {v}" for v in range(6)},
    )
    client.force_login(make_user("panitia", Role.PANITIA))
    page = client.get(reverse("instrument-detail", args=[copy.pk])).content.decode()
    assert page.count('data-testid="descriptors-missing"') == 21
    b2 = Indicator.objects.get(instrument=copy, code="B2")
    services.indicator_update(
        indicator=b2, text=b2.text, guidance="", descriptors={v: f"u{v}" for v in range(6)}
    )
    page = client.get(reverse("instrument-detail", args=[copy.pk])).content.decode()
    assert page.count('data-testid="descriptors-missing"') == 20


def test_the_last_pillar_and_the_last_indicator_stay():
    copy = services.instrument_copy(instrument=shipped())
    b, a, p = Pillar.objects.filter(instrument=copy).order_by("order")
    services.pillar_remove(pillar=a)
    services.pillar_remove(pillar=p)
    with pytest.raises(ValidationError) as refused:
        services.pillar_remove(pillar=b)
    assert refused.value.messages == [str(services.ERROR_LAST_PILLAR)]
    for indicator in Indicator.objects.filter(pillar=b).order_by("number")[1:]:
        services.indicator_remove(indicator=indicator)
    with pytest.raises(ValidationError) as refused:
        services.indicator_remove(indicator=Indicator.objects.get(pillar=b))
    assert refused.value.messages == [str(services.ERROR_LAST_INDICATOR)]


def _edits(instrument: Instrument) -> dict[str, Callable[[], object]]:
    pillar = Pillar.objects.filter(instrument=instrument).order_by("order").last()
    assert pillar is not None
    indicator = Indicator.objects.filter(pillar=pillar).order_by("number").last()
    assert indicator is not None
    return {
        "instrument_update": lambda: services.instrument_update(
            instrument=instrument,
            name="X",
            legal_basis="",
            scale_min=1,
            scale_max=5,
            level_names={v: f"n{v}" for v in range(1, 6)},
        ),
        "pillar_add": lambda: services.pillar_add(instrument=instrument, code="K", name="K"),
        "pillar_update": lambda: services.pillar_update(pillar=pillar, name="Baru", description=""),
        "pillar_move": lambda: services.pillar_move(pillar=pillar, up=True),
        "pillar_remove": lambda: services.pillar_remove(pillar=pillar),
        "indicator_add": lambda: services.indicator_add(pillar=pillar, code="Z9", text="Baru"),
        "indicator_update": lambda: services.indicator_update(
            indicator=indicator,
            text="Baru",
            guidance="",
            descriptors=dict.fromkeys(range(1, 6), "Baru"),
        ),
        "indicator_remove": lambda: services.indicator_remove(indicator=indicator),
    }


EDITS = [
    "instrument_update",
    "pillar_add",
    "pillar_update",
    "pillar_move",
    "pillar_remove",
    "indicator_add",
    "indicator_update",
    "indicator_remove",
]


# Adding or removing a pillar or an indicator: refused on a ready instrument.
STRUCTURAL = {"pillar_add", "pillar_remove", "indicator_add", "indicator_remove"}


def test_every_public_edit_service_is_in_the_lock_tests():
    public = {
        name
        for name, value in vars(services).items()
        if callable(value)
        and getattr(value, "__module__", "") == services.__name__
        and not name.startswith("_")
    }
    reads = {
        "instrument_copy",
        "instrument_mark_ready",
        "instrument_readiness_problems",
        "check_instrument_ready",
        "instrument_locks",
        "instruments_locks",
        "check_instrument_editable",
    }
    assert public - reads == set(EDITS)


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize(
    "stage",
    [
        s
        for s in CompetitionStatus
        if s not in (CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION)
    ],
    ids=str,
)
def test_a_used_instrument_refuses_every_edit(edit: str, stage: CompetitionStatus):
    copy = ready_copy(shipped())
    competition = competition_create(year=2031, instrument=copy)
    Competition.objects.filter(pk=competition.pk).update(status=stage)
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        _edits(copy)[edit]()
    assert refused.value.messages == [
        str(ERROR_INSTRUMENT_LOCKED)
        % {"competition": competition.title, "status": CompetitionStatus(stage).label}
    ]
    assert snapshot(copy) == before


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize(
    "stage", [CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION], ids=str
)
def test_draft_and_registration_allow_every_edit(edit: str, stage: CompetitionStatus):
    copy = ready_copy(shipped())
    competition = competition_create(year=2031, instrument=copy)
    Competition.objects.filter(pk=competition.pk).update(status=stage)
    before = snapshot(copy)
    if edit in STRUCTURAL:
        # Not the stage: the instrument is ready (tests/indicators/test_instrument_ready_structure.py).
        with pytest.raises(ValidationError) as refused:
            _edits(copy)[edit]()
        assert refused.value.messages == [
            str(services.ERROR_READY_STRUCTURE) % {"instrument": str(copy)}
        ]
        assert snapshot(copy) == before
        return
    if edit == "pillar_move":
        # Nor its tie-break order (tests/indicators/test_instrument_ready_order.py).
        with pytest.raises(ValidationError) as refused:
            _edits(copy)[edit]()
        assert refused.value.messages == [
            str(services.ERROR_READY_ORDER) % {"instrument": str(copy)}
        ]
        assert snapshot(copy) == before
        return
    _edits(copy)[edit]()
    assert snapshot(copy) != before
    competition.refresh_from_db()
    competition.full_clean()  # its weights and scale still fit the edited instrument
    assert set(competition.pillar_weights) == set(pillar_codes(copy))


def test_a_draft_competition_follows_its_instrument():
    copy = ready_copy(shipped())
    competition = competition_create(
        year=2031, instrument=copy, pillar_weights={"B": "2", "A": "1", "P": "0"}
    )
    # Its pillars stay (the instrument is ready), so its weights do; the scale follows (a
    # ready one narrows only: ERROR_READY_WIDER_SCALE).
    with pytest.raises(ValidationError):
        services.pillar_add(instrument=copy, code="K", name="Kesehatan")
    with pytest.raises(ValidationError):
        services.pillar_remove(pillar=Pillar.objects.get(instrument=copy, code="P"))
    services.instrument_update(
        instrument=copy,
        name=copy.name,
        legal_basis="",
        scale_min=1,
        scale_max=3,
        level_names={1: "Kurang", 2: "Cukup", 3: "Baik"},
    )
    competition.refresh_from_db()
    assert competition.pillar_weights == {"B": "2", "A": "1", "P": "0"}
    assert (competition.scale_min, competition.scale_max) == (1, 3)


# --- Pages ------------------------------------------------------------------------------


def test_pages_for_the_panitia(client):
    panitia = make_user("panitia", Role.PANITIA)
    client.force_login(panitia)
    original = shipped()
    page = client.get(reverse("instrument-list"))
    assert page.status_code == 200
    assert "Perwali Jambi No. 11 Tahun 2019" in page.content.decode()
    response = client.post(reverse("instrument-copy", args=[original.pk]))
    copy = Instrument.objects.get(parent=original)
    assert response.url == reverse("instrument-detail", args=[copy.pk])
    b1 = Indicator.objects.get(instrument=copy, code="B1")
    form = {"text": "Teks B1 baru", "guidance": ""} | {
        f"level_{v}": f"Uraian {v}" for v in range(1, 6)
    }
    response = client.post(reverse("indicator-edit", args=[b1.pk]), form)
    assert response.status_code == 302
    assert list(b1.levels.values_list("descriptor", flat=True)) == [
        f"Uraian {v}" for v in range(1, 6)
    ]
    preview = client.get(reverse("instrument-preview", args=[copy.pk])).content.decode()
    assert "Teks B1 baru" in preview and "Uraian 3" in preview
    assert (
        "Teks B1 baru"
        not in client.get(reverse("instrument-preview", args=[original.pk])).content.decode()
    )
    # The level names textarea: one line too many is the model's refusal, nothing saved.
    response = client.post(
        reverse("instrument-edit", args=[copy.pk]),
        {
            "name": copy.name,
            "legal_basis": "",
            "scale_min": 1,
            "scale_max": 4,
            "level_names": "a\nb\nc\nd\ne",
        },
    )
    assert response.status_code == 200
    assert str(ERROR_LEVEL_NAMES % {"low": 1, "high": 4}) in response.content.decode()
    copy.refresh_from_db()
    assert copy.scale_max == 5


def test_a_new_competition_on_the_copy_with_its_own_weights(client):
    client.force_login(make_user("panitia", Role.PANITIA))
    # Pillars are added to the draft copy, then it is marked ready (ERROR_READY_STRUCTURE).
    copy = services.instrument_copy(instrument=shipped())
    kesehatan = services.pillar_add(instrument=copy, code="K", name="Kesehatan")
    # A pillar with nothing to score is refused (ERROR_READY_EMPTY_PILLAR): give it one.
    services.indicator_update(
        indicator=services.indicator_add(pillar=kesehatan, code="K1", text="Posyandu aktif"),
        text="Posyandu aktif",
        guidance="",
        descriptors={value: f"K1={value}" for value in copy.scale},
    )
    services.instrument_mark_ready(instrument=copy)
    page = client.get(reverse("instrument-competition-new", args=[copy.pk])).content.decode()
    assert 'name="weight_K"' in page
    response = client.post(
        reverse("instrument-competition-new", args=[copy.pk]),
        {
            "year": 2031,
            "period": 1,
            "title": "",
            "weight_B": "3",
            "weight_A": "3",
            "weight_P": "3",
            "weight_K": "1",
        },
    )
    competition = Competition.objects.get(year=2031)
    assert response.url == reverse("competition-detail", args=[competition.pk])
    assert competition.instrument == copy
    assert competition.pillar_weights == {"B": "3", "A": "3", "P": "3", "K": "1"}
    # All weights 0: the competition's own refusal, no competition made.
    response = client.post(
        reverse("instrument-competition-new", args=[copy.pk]),
        {
            "year": 2032,
            "period": 1,
            "weight_B": "0",
            "weight_A": "0",
            "weight_P": "0",
            "weight_K": "0",
        },
    )
    assert response.status_code == 200
    assert not Competition.objects.filter(year=2032).exists()


def test_a_locked_instrument_says_who_holds_it(client):
    client.force_login(make_user("panitia", Role.PANITIA))
    original = shipped()
    competition = competition_create(year=2029, instrument=original)
    Competition.objects.filter(pk=competition.pk).update(status=CompetitionStatus.PUBLISHED)
    page = client.get(reverse("instrument-detail", args=[original.pk])).content.decode()
    assert 'data-testid="instrument-locked"' in page
    assert competition.title in page
    assert 'data-testid="instrument-edit"' not in page
    # A POST past the hidden buttons is still refused, with the reason as a message.
    indicator = Indicator.objects.get(instrument=original, code="B1")
    response = client.post(
        reverse("indicator-edit", args=[indicator.pk]),
        {"text": "Diubah", "guidance": "", "level_1": "x"},
    )
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.text != "Diubah"
    refusal = str(ERROR_INSTRUMENT_LOCKED) % {
        "competition": competition.title,
        "status": CompetitionStatus.PUBLISHED.label,
    }
    assert refusal in response.content.decode()
    response = client.post(
        reverse("instrument-edit", args=[original.pk]),
        {
            "name": "Diubah",
            "legal_basis": "",
            "scale_min": 1,
            "scale_max": 5,
            "level_names": "a\nb\nc\nd\ne",
        },
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    original.refresh_from_db()
    assert original.name == PERWALI
    # The redirecting edits come back to the page with the refusal as a message.
    response = client.post(
        reverse("pillar-add", args=[original.pk]), {"code": "K", "name": "K"}, follow=True
    )
    assert refusal in response.content.decode()
    assert not Pillar.objects.filter(instrument=original, code="K").exists()


def test_the_list_reads_in_a_fixed_number_of_queries(client):
    client.force_login(make_user("panitia", Role.PANITIA))
    original = shipped()
    competition_create(year=2029, instrument=original)
    url = reverse("instrument-list")
    few = count_queries(client, url)
    for year in (2030, 2031, 2032):
        copy = ready_copy(original)
        made = competition_create(year=year, instrument=copy)
        Competition.objects.filter(pk=made.pk).update(status=CompetitionStatus.PLENARY)
    page = client.get(url).content.decode()
    assert page.count(">terkunci</span>") == 3 and page.count(">dapat diubah</span>") == 1
    assert count_queries(client, url) == few


@pytest.mark.parametrize("role", [Role.JURI, Role.PEJABAT, Role.KELURAHAN])
def test_other_roles_may_not_edit(client, role: str, eka_jaya):
    extra = {"kelurahan": eka_jaya} if role == Role.KELURAHAN else {}
    client.force_login(make_user("someone", role, **extra))
    original = shipped()
    assert client.get(reverse("instrument-list")).status_code == 403
    assert client.post(reverse("instrument-copy", args=[original.pk])).status_code == 403
    assert not Instrument.objects.filter(parent=original).exists()


def test_the_instrument_page_names_each_holder_once_and_marks_the_stage_table_s_locks(client):
    """Every competition holding the instrument is listed once under "Dipakai oleh"; those the
    stage table (Write.INSTRUMENT_EDIT) locks are marked there, and the lock box names none
    again. The edit pages, which have no such list, name each locking competition once."""
    from competitions.stages import STAGE_TABLE, Write

    client.force_login(make_user("panitia", Role.PANITIA))
    instrument = shipped()
    made = {}
    for year, stage in enumerate(CompetitionStatus, start=2030):
        competition = competition_create(year=year, instrument=instrument)
        Competition.objects.filter(pk=competition.pk).update(status=stage)
        made[stage] = competition.title
    editable = STAGE_TABLE[Write.INSTRUMENT_EDIT].stages
    locking = {title for stage, title in made.items() if stage not in editable}
    assert locking and locking != set(made.values())

    page = client.get(reverse("instrument-detail", args=[instrument.pk])).content.decode()
    assert 'data-testid="instrument-locked"' in page
    holders = page.split('data-testid="instrument-holders"')[1].split("</dd>")[0]
    rows = holders.split("<div")[1:]
    for title in made.values():
        # Once on the page, and that once is the holders' list: the lock box repeats none.
        assert page.count(title) == 1 and title in holders, title
    marked = {
        title for title in made.values() for row in rows if title in row and "data-locking" in row
    }
    assert marked == locking

    indicator = Indicator.objects.get(instrument=instrument, code="B1")
    for url in (
        reverse("instrument-edit", args=[instrument.pk]),
        reverse("indicator-edit", args=[indicator.pk]),
    ):
        form_page = client.get(url).content.decode()
        locked_by = form_page.split('data-testid="instrument-locked-by"')[1].split("</ul>")[0]
        for stage, title in made.items():
            assert form_page.count(title) == (1 if title in locking else 0), (url, stage)
            assert (title in locked_by) == (title in locking)
