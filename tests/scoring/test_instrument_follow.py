"""Issue 14, item 4: everything follows the competition's instrument.

A competition on a second instrument (4 pillars LH, SO, EK, KS in that order; 10 indicators;
a 1-4 scale) is scored through the services; its live results, the explain page, the
matrix, the plenary and the juror's scoring page show its pillars and scale, never the
Perwali ones, and a tie is broken in its pillar order. Finalising freezes its pillars.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create, competition_move
from indicators.models import Indicator
from scoring.models import ResultSet
from scoring.result_selectors import result_table, results_rules
from scoring.result_services import competition_finalise
from scoring.services import entry_assign, score_save, sheet_submit, team_add_member, team_create
from tests.conftest import make_user
from tests.factories import FOUR_PILLARS, EntryFactory, RTFactory, four_pillar_instrument

pytestmark = pytest.mark.django_db


def main(response) -> str:
    """The page's own content, without the site's header and footer (which name the program)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


ORDER = [code for code, _name, _count in FOUR_PILLARS]  # LH, SO, EK, KS


def levels(lh: int, so: int, ek: int, ks: int) -> dict[str, int]:
    """Every indicator of a pillar at one level."""
    by_pillar = dict(zip(ORDER, (lh, so, ek, ks), strict=True))
    return {
        f"{code}{number}": by_pillar[code]
        for code, _name, count in FOUR_PILLARS
        for number in range(1, count + 1)
    }


@pytest.fixture
def season(panitia, eka_jaya):
    return four_pillar_season(panitia, eka_jaya)


def four_pillar_season(panitia, kelurahan, *, submit: bool = True):
    """The 4-pillar competition in assessment: X, Y, Z scored by two jurors (all pillars);
    `submit=False` leaves Z unscored, for a juror to score on the page."""
    instrument = four_pillar_instrument()
    competition = competition_create(
        year=timezone.localdate().year + 1,
        title="Lomba Kampung Empat Pilar",
        registration_closes=timezone.now() + timedelta(days=30),
        instrument=instrument,
    )
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    # X and Y tie on the final score: X is better on SO, Y on EK. SO comes before EK in the
    # instrument (alphabetically EK would come first), so X must rank first.
    plan = {
        "X": levels(3, 4, 1, 2),
        "Y": levels(3, 1, 4, 2),
        "Z": levels(2, 2, 2, 2),
    }
    entries = {
        name: EntryFactory(
            competition=competition,
            rt=RTFactory(kelurahan=kelurahan, number=20 + i),
            status="verified",
        )
        for i, name in enumerate(plan)
    }
    jurors = [make_user(f"juri.empat{n}", "juri") for n in (1, 2)]
    team = team_create(competition=competition, name="Tim Empat")
    for juror in jurors:
        team_add_member(team=team, user=juror, agency="Dinas Lingkungan Hidup (DLH)")
    indicators = {i.code: i for i in Indicator.objects.filter(instrument=instrument)}
    for name, entry in entries.items():
        entry_assign(entry=entry, team=team, by=panitia, notify=False)
        if name == "Z" and not submit:
            continue
        for juror in jurors:
            for code, value in plan[name].items():
                score_save(
                    entry=entry,
                    juror=juror,
                    indicator=indicators[code],
                    value=value,
                    note="",
                    client_id=uuid.uuid4(),
                )
            sheet_submit(entry=entry, juror=juror)
    return competition, entries, jurors, indicators


def test_the_rules_and_live_results_are_the_instruments(season):
    competition, entries, _jurors, _indicators = season
    rules = results_rules(competition)
    assert list(rules.pillar_order) == ORDER
    assert sorted(rules.indicators) == sorted(levels(1, 1, 1, 1))
    assert (rules.scale_min, rules.scale_max) == (1, 4)
    table = result_table(competition)
    assert list(table.pillars) == ORDER
    x, y, z = (table.row(entries[name].pk) for name in "XYZ")
    assert x is not None and y is not None and z is not None
    # 1-4: level 4 is 100, level 1 is 0, level 3 is 66.67, level 2 is 33.33.
    assert x.pillars == {
        "LH": Decimal("66.6667"),
        "SO": Decimal("100.0000"),
        "EK": Decimal("0.0000"),
        "KS": Decimal("33.3333"),
    }
    assert list(y.pillars) == ORDER
    assert x.final == y.final
    assert (x.rank, y.rank, z.rank) == (1, 2, 3)  # the tie goes to SO, the earlier pillar


def test_a_level_outside_the_instruments_scale_is_refused(season):
    _competition, entries, jurors, indicators = season
    with pytest.raises(ValidationError):
        score_save(
            entry=entries["Z"],
            juror=jurors[0],
            indicator=indicators["LH1"],
            value=5,
            note="",
            client_id=uuid.uuid4(),
        )


def test_the_pages_show_the_instruments_pillars(client, season, panitia):
    competition, entries, _jurors, _indicators = season
    client.force_login(panitia)
    base = f"/kompetisi/{competition.pk}"
    plenary = main(client.get(f"{base}/pleno/"))
    heads = [name for _code, name, _count in FOUR_PILLARS]
    for name in heads:
        assert f'data-testid="pillar-head">{name}</th>' in plenary
    first = plenary.index('data-testid="pillar-head"')
    assert [plenary.index(f">{name}</th>", first) for name in heads] == sorted(
        plenary.index(f">{name}</th>", first) for name in heads
    )  # in the instrument's order
    assert ">Bersih<" not in plenary and ">Pintar<" not in plenary
    explain = main(client.get(f"{base}/pleno/rt/{entries['X'].pk}/"))
    for code in ORDER:
        assert f'data-pillar="{code}"' in explain
    assert "LH1" in explain and "KS2" in explain and "B1" not in explain
    assert ", ".join(heads) in explain  # the tie-break order, as the instrument says
    assert "Bersih" not in explain
    matrix = main(client.get(f"{base}/laporan/matriks/"))
    assert all(
        f"{code}{n}" in matrix for code, _name, count in FOUR_PILLARS for n in range(1, count + 1)
    )
    assert ">B1<" not in matrix and ">P7<" not in matrix


def test_the_scoring_page_shows_the_instruments_indicators_and_scale(client, season):
    _competition, entries, jurors, _indicators = season
    client.force_login(jurors[0])
    page = main(client.get(f"/penilaian/{entries['Z'].pk}/"))
    assert "Indikator LH1 untuk lingkungan hidup" in page
    assert "Deskriptor KS2 tingkat 4" in page
    assert "Membudaya" in page  # the instrument's own level name
    assert "Indikator B1" not in page and "Bersih" not in page


def test_finalising_freezes_the_instruments_pillars(season, panitia):
    competition, entries, _jurors, _indicators = season
    live = result_table(competition)
    competition_move(
        competition=competition, to_status=CompetitionStatus.PLENARY, by=panitia, reason="uji"
    )
    result_set = competition_finalise(competition=competition, by=panitia)
    frozen = {r.entry_id: r for r in result_set.results.all()}
    assert set(frozen[entries["X"].pk].pillar_scores) == set(ORDER)
    assert frozen[entries["X"].pk].pillar_scores["SO"] == "100.0000"
    competition.refresh_from_db()
    table = result_table(competition)
    assert table.frozen and list(table.pillars) == ORDER
    for row in live.rows:
        assert table.row(row.entry.pk).pillars == row.pillars
        assert table.row(row.entry.pk).rank == row.rank


def test_the_guide_shows_a_competitions_instrument_by_its_id(client, season):
    competition, _entries, _jurors, _indicators = season
    page = main(client.get(f"/panduan/?kompetisi={competition.pk}"))
    assert "Peraturan Bupati Contoh No. 4 Tahun 2026, dalam 4 pilar" in page
    assert "nilai 1 sampai 4" in page
    assert 'data-code="LH1"' in page and 'data-code="B1"' not in page
    assert [page.index(f'id="pilar-{code}"') for code in ORDER] == sorted(
        page.index(f'id="pilar-{code}"') for code in ORDER
    )
    # An unknown id shows the default guide with a notice (as a draft's does: no 404 to tell
    # them apart); tests/indicators/test_guide_choice.py.
    unknown = client.get("/panduan/?kompetisi=999999")
    assert unknown.status_code == 200 and 'data-testid="guide-notice"' in main(unknown)


def test_the_guide_shows_the_latest_published_competitions_instrument_by_default(
    client, season, panitia
):
    # Nothing published: the latest competition's (the 4-pillar one, next year's).
    assert 'data-code="LH1"' in main(client.get("/panduan/"))
    # The 4-pillar competition is the latest, but only the 2020 Perwali season is published.
    ResultSet.objects.create(
        competition=Competition.objects.get(year=2020),
        finalised_by=panitia,
        inputs_hash="0" * 64,
        total_prize=0,
        published_at=timezone.now(),
    )
    page = main(client.get("/panduan/"))
    assert "Perwali Jambi No. 11 Tahun 2019, dalam 3 pilar" in page
    assert "nilai 1 sampai 5" in page
    assert 'data-code="B1"' in page and 'data-code="LH1"' not in page


def test_the_self_check_reads_the_current_competitions_instrument(season):
    from coaching.selfcheck import selfcheck_rules

    rules = selfcheck_rules()
    assert rules["scale"] == [1, 4]
    assert [pillar["code"] for pillar in rules["pillars"]] == ORDER
    assert rules["pillars"][0]["indicators"][0]["levels"][-1]["name"] == "Membudaya"
    assert sum(len(pillar["indicators"]) for pillar in rules["pillars"]) == 10
