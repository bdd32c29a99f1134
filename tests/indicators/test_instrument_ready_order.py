"""A ready instrument keeps its pillars' order and its scale's reach (TIDY2's follow-up), and
a move on a draft renews what the results keep.

- `pillar_move` swapped the order with QuerySet.update: no pillar was saved, so the result
  version of a competition on the instrument (scoring.result_cache, told of changes by the
  pillars' saves) stayed, and a kept table could show the old pillar order. It now saves the
  two pillars it moves; indicators still imports nothing above it (the layering test).
- The order is the tie-break order of every competition on the instrument and the order of
  the public guide: on a ready instrument a move is refused (ERROR_READY_ORDER).
- A wider scale offers values no indicator has a descriptor for: on a ready instrument it is
  refused (ERROR_READY_WIDER_SCALE); a narrower one is still taken.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from indicators import services
from indicators.models import Instrument, Pillar
from scoring.result_cache import result_version
from scoring.result_selectors import result_table
from tests.conftest import make_user
from tests.indicators.test_instrument_pages import ready_copy, shipped, snapshot

pytestmark = pytest.mark.django_db


def held(instrument: Instrument, stage: CompetitionStatus) -> Competition:
    competition = competition_create(year=2031, instrument=instrument)
    Competition.objects.filter(pk=competition.pk).update(status=stage)
    competition.refresh_from_db()
    return competition


@pytest.mark.parametrize("stage", [None, CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION])
@pytest.mark.parametrize("up", [True, False], ids=["up", "down"])
def test_a_ready_instrument_refuses_a_move(stage: CompetitionStatus | None, up: bool) -> None:
    copy = ready_copy(shipped())
    if stage is not None:
        held(copy, stage)
    pillar = Pillar.objects.get(instrument=copy, code="A")  # the middle one: both ways open
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        services.pillar_move(pillar=pillar, up=up)
    assert refused.value.messages == [str(services.ERROR_READY_ORDER) % {"instrument": str(copy)}]
    assert refused.value.error_list[0].code == "instrument_ready_order"
    assert snapshot(copy) == before


def test_a_draft_copy_still_moves() -> None:
    copy = services.instrument_copy(instrument=shipped())
    order = list(Pillar.objects.filter(instrument=copy).order_by("order").values_list("code"))
    assert [code for (code,) in order] == ["B", "A", "P"]
    services.pillar_move(pillar=Pillar.objects.get(instrument=copy, code="A"), up=True)
    after = Pillar.objects.filter(instrument=copy).order_by("order").values_list("code", flat=True)
    assert list(after) == ["A", "B", "P"]


def test_the_ready_page_offers_no_move(client: Any) -> None:
    client.force_login(make_user("panitia", Role.PANITIA))
    draft = services.instrument_copy(instrument=shipped())
    url = reverse("instrument-detail", args=[draft.pk])
    move = reverse("pillar-move", args=[Pillar.objects.get(instrument=draft, code="A").pk])
    assert f'action="{move}"' in client.get(url).content.decode()
    services.instrument_mark_ready(instrument=draft)
    page = client.get(url).content.decode()
    assert f'action="{move}"' not in page
    assert 'data-testid="instrument-ready-structure"' in page
    # Posted all the same (an old tab): the refusal shown, nothing moved.
    before = snapshot(draft)
    response = client.post(move, {"direction": "up"}, follow=True)
    refusal = str(services.ERROR_READY_ORDER) % {"instrument": str(draft)}
    assert refusal.replace("'", "&#x27;") in response.content.decode()
    assert snapshot(draft) == before


def level_names(low: int, high: int) -> dict[int, str]:
    return {value: f"Tingkat {value}" for value in range(low, high + 1)}


@pytest.mark.parametrize(
    ("low", "high", "added"), [(1, 6, "6"), (0, 5, "0"), (0, 7, "0, 6, 7")], ids=str
)
@pytest.mark.parametrize("stage", [None, CompetitionStatus.DRAFT, CompetitionStatus.REGISTRATION])
def test_a_ready_instrument_refuses_a_wider_scale(
    low: int, high: int, added: str, stage: CompetitionStatus | None
) -> None:
    copy = ready_copy(shipped())
    assert (copy.scale_min, copy.scale_max) == (1, 5)
    competition = held(copy, stage) if stage is not None else None
    before = snapshot(copy)
    with pytest.raises(ValidationError) as refused:
        services.instrument_update(
            instrument=copy,
            name="Diperluas",
            legal_basis="",
            scale_min=low,
            scale_max=high,
            level_names=level_names(low, high),
        )
    assert refused.value.messages == [
        str(services.ERROR_READY_WIDER_SCALE) % {"instrument": str(copy), "values": added}
    ]
    assert refused.value.error_list[0].code == "instrument_ready_wider_scale"
    assert snapshot(copy) == before  # not even the name: nothing half-saved
    copy.refresh_from_db()
    assert copy.ready and not services.instrument_readiness_problems(copy)
    if competition is not None:
        competition.refresh_from_db()
        assert (competition.scale_min, competition.scale_max) == (1, 5)


def test_a_ready_instrument_still_narrows_and_a_draft_widens() -> None:
    copy = ready_copy(shipped())
    services.instrument_update(
        instrument=copy, name=copy.name, legal_basis="", scale_min=1, scale_max=4,
        level_names=level_names(1, 4),
    )  # fmt: skip
    copy.refresh_from_db()
    assert (copy.scale_min, copy.scale_max) == (1, 4)
    assert not services.instrument_readiness_problems(copy)  # every value still described
    draft = services.instrument_copy(instrument=shipped())
    services.instrument_update(
        instrument=draft, name=draft.name, legal_basis="", scale_min=1, scale_max=6,
        level_names=level_names(1, 6),
    )  # fmt: skip
    draft.refresh_from_db()
    assert (draft.scale_min, draft.scale_max) == (1, 6)


def pillar_headers(client: Any, competition: Competition) -> list[str]:
    """The pillar columns of the winners list page, in the order shown (its first list)."""
    page = client.get(f"/kompetisi/{competition.pk}/laporan/pemenang/").content.decode()
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", page)
    return [header for header in headers if header in ("Bersih", "Aman", "Pintar")][:3]


def test_a_move_renews_the_kept_results_of_the_instrument_s_competitions(client: Any) -> None:
    """A competition holding a draft instrument (one held before versions were marked ready:
    the services no longer make one, so the state is set directly). Its kept result table
    and the page read from it name the pillars in order; after a move, in the new order."""
    copy = ready_copy(shipped())
    competition = held(copy, CompetitionStatus.REGISTRATION)
    Instrument.objects.filter(pk=copy.pk).update(ready=False)
    client.force_login(make_user("panitia", Role.PANITIA))
    assert pillar_headers(client, competition) == ["Bersih", "Aman", "Pintar"]
    token = result_version(competition)
    assert list(result_table(competition).pillars) == ["B", "A", "P"]  # from the cache
    services.pillar_move(pillar=Pillar.objects.get(instrument=copy, code="A"), up=True)
    assert result_version(competition) != token
    assert list(result_table(competition).pillars) == ["A", "B", "P"]
    assert pillar_headers(client, competition) == ["Aman", "Bersih", "Pintar"]


# Apps above indicators: it may be imported by them, never import them (its services'
# docstring; competitions registers its checks in LOCK_CHECKS and FOLLOWERS instead).
ABOVE = {"competitions", "scoring", "coaching", "season", "documents"}


def test_indicators_imports_nothing_above_it() -> None:
    root = Path(services.__file__).resolve().parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in ABOVE]
    assert found == []


def test_the_edit_page_shows_the_wider_scale_refusal(client: Any) -> None:
    client.force_login(make_user("panitia", Role.PANITIA))
    copy = ready_copy(shipped())
    before = snapshot(copy)
    response = client.post(
        reverse("instrument-edit", args=[copy.pk]),
        {
            "name": "Diperluas",
            "legal_basis": "",
            "scale_min": 1,
            "scale_max": 6,
            "level_names": "a\nb\nc\nd\ne\nf",
        },
    )
    assert response.status_code == 200
    refusal = str(services.ERROR_READY_WIDER_SCALE) % {"instrument": str(copy), "values": "6"}
    assert refusal in response.content.decode()
    assert snapshot(copy) == before
