"""Proof of generality (issue 14, item 5): a whole season on an instrument unlike the Perwali one.

The instrument (tests.factories.four_pillar_instrument) has 4 pillars LH, SO, EK, KS
(in that order, also the tie-break order) of 3, 3, 2 and 2 indicators on a 1-4 scale with
its own level names. The season runs through the pages as its users would: the kelurahan
proposes with the entry form, the kecamatan verifies, the panitia forms a team and assigns,
the jurors score on the scoring page (one sheet through the field kit's sync endpoint), the
panitia finalises and publishes, the lists are read back from xlsx and csv, and the public
pages show the results. Runs on SQLite and PostgreSQL (it uses the database).

The scores are chosen so that three RTs tie at 75 on the final and only the instrument's
pillar order decides between them, in a way no other order (alphabetical, reversed, B/A/P
by position) reproduces:

    RT   LH SO EK KS   pillars (0-100)        final
    11    4  4  4  4   100 100 100 100        100      rank 1
    12    4  4  2  3   100 100  33  67         75      rank 2 (ties 13 on LH, wins on SO)
    13    4  3  3  3   100  67  67  67         75      rank 3 (ties 12 on LH, loses on SO)
    14    3  3  3  4    67  67  67 100         75      rank 4 (loses to 13 on LH, the first)
    15    2  2  2  2    33  33  33  33         33.33   rank 5, below the pass mark
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bantar.models import Role, User
from competitions.models import Competition, CompetitionStatus, Entry, EntryStatus
from competitions.services import competition_advance, competition_create
from indicators.models import Indicator, Instrument
from scoring.models import JuryTeam, Result, ScoreSheet, SheetStatus
from scoring.result_selectors import result_table
from tests.competitions.conftest import entry_form
from tests.conftest import make_user
from tests.factories import (
    FOUR_LEVEL_NAMES,
    FOUR_PILLARS,
    four_pillar_descriptor,
    four_pillar_instrument,
)

pytestmark = pytest.mark.django_db

ORDER = [code for code, _name, _count in FOUR_PILLARS]
CODES = [f"{code}{n}" for code, _name, count in FOUR_PILLARS for n in range(1, count + 1)]
PLAN = {  # RT number -> level per pillar
    11: {"LH": 4, "SO": 4, "EK": 4, "KS": 4},
    12: {"LH": 4, "SO": 4, "EK": 2, "KS": 3},
    13: {"LH": 4, "SO": 3, "EK": 3, "KS": 3},
    14: {"LH": 3, "SO": 3, "EK": 3, "KS": 4},
    15: {"LH": 2, "SO": 2, "EK": 2, "KS": 2},
}
RANKS = {11: 1, 12: 2, 13: 3, 14: 4, 15: 5}
SYNCED = (14, "juri.gen.dua")  # this juror scores this RT from the field kit, in one batch


def level_of(number: int, code: str) -> int:
    return PLAN[number][code.rstrip("0123456789")]


def post_ok(client, url: str, data=None, **extra):
    response = client.post(url, data or {}, **extra)
    assert response.status_code in (200, 302), (url, response.status_code, response.content[:500])
    return response


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


class Season:
    """The users, the competition and its entries, after each step."""

    def __init__(self, client) -> None:
        self.client = client
        self.instrument = four_pillar_instrument()
        self.panitia = make_user("panitia.gen", Role.PANITIA)
        self.kelurahan = make_user(
            "kelurahan.gen", Role.KELURAHAN, kelurahan_id=self._kelurahan_pk()
        )
        self.kecamatan = make_user(
            "kecamatan.gen", Role.KECAMATAN, kecamatan=self.kelurahan.kelurahan.kecamatan
        )
        self.jurors = [make_user(name, Role.JURI) for name in ("juri.gen.satu", "juri.gen.dua")]
        self.competition = competition_create(
            year=timezone.localdate().year,
            title="Lomba Kampung Empat Pilar",
            registration_closes=timezone.now() + timedelta(days=30),
            instrument=self.instrument,
        )
        self.entries: dict[int, Entry] = {}

    @staticmethod
    def _kelurahan_pk() -> int:
        from competitions.models import Kelurahan

        return Kelurahan.objects.get(name="Eka Jaya").pk

    def advance(self, status: str) -> None:
        self.competition = competition_advance(
            competition=self.competition, to_status=status, by=self.panitia
        )

    def as_user(self, user: User):
        self.client.force_login(user)
        return self.client

    # Registration

    def register(self) -> None:
        self.advance(CompetitionStatus.REGISTRATION)
        client = self.as_user(self.kelurahan)
        for number in PLAN:
            response = client.post(
                f"/kompetisi/{self.competition.pk}/peserta/baru/",
                entry_form(
                    new_rt_number=str(number),
                    kampung_name=f"Kampung Uji {number}",
                    ketua_rt=f"Pak Ketua {number}",
                ),
                follow=True,
            )
            assert response.status_code == 200
            assert f"RT {number:02d} Eka Jaya diusulkan ke kecamatan." in response.content.decode()
        self.advance(CompetitionStatus.VERIFICATION)
        client = self.as_user(self.kecamatan)
        for entry in Entry.objects.filter(competition=self.competition):
            post_ok(client, f"/peserta/{entry.pk}/verifikasi/")
        self.entries = {
            e.rt.number: e
            for e in Entry.objects.filter(competition=self.competition).select_related("rt")
        }
        assert {e.status for e in self.entries.values()} == {EntryStatus.VERIFIED}
        assert {e.category.code for e in self.entries.values()} == {"sedang"}

    # Teams and assignment

    def assign(self) -> None:
        self.advance(CompetitionStatus.ASSESSMENT)
        client = self.as_user(self.panitia)
        base = f"/kompetisi/{self.competition.pk}"
        post_ok(client, f"{base}/tim/baru/", {"name": "Tim Empat Pilar"})
        team = JuryTeam.objects.get(competition=self.competition)
        for juror in self.jurors:
            post_ok(client, f"{base}/tim/{team.pk}/anggota/", {"user": juror.pk, "agency": "DLH"})
        assert team.members.count() == 2
        for entry in self.entries.values():
            post_ok(client, f"{base}/tugaskan/", {"entry": entry.pk, "team": team.pk})
        assert (
            Entry.objects.filter(competition=self.competition, assignment__team=team).count() == 5
        )

    # Scoring

    def score(self) -> None:
        for juror in self.jurors:
            client = self.as_user(juror)
            for number, entry in self.entries.items():
                if (number, juror.username) == SYNCED:
                    continue
                page = client.get(f"/penilaian/{entry.pk}/")
                assert page.status_code == 200
                for code in CODES:
                    response = client.post(
                        f"/penilaian/{entry.pk}/nilai/",
                        json.dumps(
                            {
                                "client_id": str(uuid.uuid4()),
                                "indicator": code,
                                "value": level_of(number, code),
                                "note": "",
                            }
                        ),
                        content_type="application/json",
                    )
                    assert response.status_code == 200, (code, response.content)
                    assert response.json()["ok"] is True
                post_ok(client, f"/penilaian/{entry.pk}/kirim/")
        number, username = SYNCED
        entry = self.entries[number]
        client = self.as_user(User.objects.get(username=username))
        changes = [
            {
                "client_id": str(uuid.uuid4()),
                "kind": "score",
                "entry": entry.pk,
                "indicator": code,
                "value": level_of(number, code),
                "note": "",
            }
            for code in CODES
        ] + [{"client_id": str(uuid.uuid4()), "kind": "submit", "entry": entry.pk}]
        body = {"device": str(uuid.uuid4()), "outbox": len(changes), "changes": changes}
        response = client.post(
            "/penilaian/sinkron/", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert {r["status"] for r in response.json()["results"]} <= {"applied"}, response.json()
        sheets = ScoreSheet.objects.filter(entry__competition=self.competition)
        assert sheets.count() == 10
        assert set(sheets.values_list("status", flat=True)) == {SheetStatus.SUBMITTED}

    def plenary(self) -> None:
        self.advance(CompetitionStatus.PLENARY)

    def finalise_and_publish(self) -> None:
        client = self.as_user(self.panitia)
        base = f"/kompetisi/{self.competition.pk}"
        post_ok(client, f"{base}/finalisasi/")
        self.competition.refresh_from_db()
        assert self.competition.status == CompetitionStatus.FINAL
        post_ok(client, f"{base}/umumkan/")
        self.competition.refresh_from_db()
        assert self.competition.status == CompetitionStatus.PUBLISHED


@pytest.fixture
def season(client) -> Season:
    world = Season(client)
    world.register()
    world.assign()
    world.score()
    world.plenary()
    return world


def test_the_field_kit_keeps_this_competitions_guide_offline(season):
    """The kit caches the guide the juror scores by: while the 2020 (Perwali) results are the
    latest published, /panduan/ alone would be the Perwali's guide."""
    client = season.as_user(season.jurors[0])
    kit = get_ok(client, "/penilaian/kit/").json()
    guides = [url for url in kit["urls"] if url.startswith("/panduan/")]
    assert f"/panduan/?kompetisi={season.competition.pk}" in guides, guides
    guide = main_of(get_ok(client, f"/panduan/?kompetisi={season.competition.pk}"))
    assert four_pillar_descriptor("LH1", 2) in guide


def test_the_competition_stands_on_the_four_pillar_instrument(client):
    world = Season(client)
    competition = Competition.objects.get(pk=world.competition.pk)
    assert competition.instrument == world.instrument
    assert (competition.scale_min, competition.scale_max) == (1, 4)
    assert sorted(competition.pillar_weights) == sorted(ORDER)
    assert Indicator.objects.filter(instrument=world.instrument).count() == 10
    assert Instrument.objects.count() == 2  # the Perwali instrument is still there, unchanged


def test_scoring_page_and_plenary_follow_the_instrument_and_its_tie_break_order(season):
    client = season.as_user(season.jurors[0])
    entry = season.entries[11]
    page = main_of(get_ok(client, f"/penilaian/{entry.pk}/"))
    for _code, name, _count in FOUR_PILLARS:
        assert name in page
    for code in CODES:
        assert four_pillar_descriptor(code, 4) in page
        assert four_pillar_descriptor(code, 1) in page
    for name in FOUR_LEVEL_NAMES.values():
        assert name in page
    # Nothing of the Perwali instrument, nor its fifth level.
    for perwali in ("Bersih", "Aman", "Pintar", "B1", "P7"):
        assert perwali not in page
    assert 'value="5"' not in page

    # The plenary: the same ties, broken in the instrument's pillar order.
    client = season.as_user(season.panitia)
    plenary = main_of(get_ok(client, f"/kompetisi/{season.competition.pk}/pleno/"))
    for _code, name, _count in FOUR_PILLARS:
        assert name in plenary
    assert "Bersih" not in plenary
    table = result_table(season.competition)
    number_of = {e.pk: n for n, e in season.entries.items()}
    by_number = {number_of[row.entry.pk]: row for row in table.rows}
    assert {n: row.rank for n, row in by_number.items()} == RANKS
    assert by_number[12].final == by_number[13].final == by_number[14].final
    assert round(by_number[12].final, 2) == Decimal("75.00")
    assert list(by_number[12].pillars) == ORDER
    # 12 and 13 are equal on LH, the first pillar: SO, the second, decides.
    assert by_number[12].pillars["LH"] == by_number[13].pillars["LH"]
    assert by_number[12].pillars["SO"] > by_number[13].pillars["SO"]
    # 14 is better on KS (the last) and worse on LH (the first): LH decides.
    assert by_number[14].pillars["KS"] > by_number[13].pillars["KS"]
    # The explain page of RT 12: its pillars in the instrument's order, its levels on 1-4.
    explain = main_of(
        get_ok(client, f"/kompetisi/{season.competition.pk}/pleno/rt/{season.entries[12].pk}/")
    )
    positions = [explain.index(name) for _code, name, _count in FOUR_PILLARS]
    assert positions == sorted(positions)
    assert "Bersih" not in explain and "1-5" not in explain and "1–5" not in explain
    assert {n: row.passed for n, row in by_number.items()} == {
        11: True,
        12: True,
        13: True,
        14: True,
        15: False,
    }


def test_published_results_lists_and_public_pages_follow_the_instrument(season):
    season.finalise_and_publish()
    results = {
        r.entry.rt.number: r
        for r in Result.objects.filter(result_set__competition=season.competition).select_related(
            "entry__rt"
        )
    }
    assert {n: r.rank for n, r in results.items()} == RANKS
    assert {n for n, r in results.items() if r.is_winner} == {11, 12, 13, 14}
    assert round(results[12].final, 2) == Decimal("75.00")
    assert round(results[15].final, 2) == Decimal("33.33")
    # The frozen row holds every pillar (PostgreSQL's jsonb keeps no key order); the frozen
    # table reads them back in the instrument's order.
    assert sorted(results[12].pillar_scores) == sorted(ORDER)
    frozen = result_table(season.competition)
    assert frozen.frozen
    assert all(list(row.pillars) == ORDER for row in frozen.rows)

    client = season.as_user(season.panitia)
    base = f"/kompetisi/{season.competition.pk}/laporan"
    # Winners: one row per winner, best first, with the instrument's pillars as columns.
    book = load_workbook(io.BytesIO(get_ok(client, f"{base}/pemenang.xlsx").content))
    rows = sheet_rows(book["Kategori Sedang"])
    header = next(row for row in rows if row and row[0] == "No")
    for _code, name, _count in FOUR_PILLARS:
        assert any(name in str(cell) for cell in header if cell), (name, header)
    assert not any("Bersih" in str(cell) for cell in header if cell)
    data = rows[rows.index(header) + 1 :]
    kampung = [
        next(c for c in row if isinstance(c, str) and c.startswith("Kampung Uji"))
        for row in data
        if row and isinstance(row[0], int)
    ]
    assert kampung == ["Kampung Uji 11", "Kampung Uji 12", "Kampung Uji 13", "Kampung Uji 14"]
    # The rekap: Paal Merah proposed 5 RTs, 4 won in Sedang.
    rekap = load_workbook(io.BytesIO(get_ok(client, f"{base}/rekap.xlsx").content))
    rekap_rows = sheet_rows(rekap.active)
    rekap_header = next(row for row in rekap_rows if row[0] == "No")
    paal_merah = dict(
        zip(rekap_header, next(row for row in rekap_rows if row[1] == "Paal Merah"), strict=True)
    )
    assert (
        paal_merah["RT diusulkan"],
        paal_merah["Pemenang sedang"],
        paal_merah["Jumlah pemenang"],
    ) == (5, 4, 4)
    # The matrix: a column per indicator of the instrument, the levels read back.
    matrix = get_ok(client, f"{base}/matriks.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(matrix)))
    header_row = next(row for row in table if "LH1" in row)
    assert [c for c in header_row if c in CODES] == CODES
    assert not any(c in ("B1", "A1", "P1") for c in header_row)
    book = load_workbook(io.BytesIO(get_ok(client, f"{base}/matriks.xlsx").content))
    matrix_rows = sheet_rows(book.active)
    xheader = next(row for row in matrix_rows if "LH1" in row)
    column = {code: xheader.index(code) for code in CODES}
    body = matrix_rows[matrix_rows.index(xheader) + 1 :]
    seen = 0
    for row in body:
        number = next((n for n in PLAN if any(f"RT {n:02d}" in str(c) for c in row)), None)
        if number is None:
            continue
        seen += 1
        for code in CODES:
            assert float(row[column[code]]) == level_of(number, code), (number, code, row)
    assert seen >= 5


def test_the_public_pages_follow_the_instrument(season, client):
    season.finalise_and_publish()
    client.logout()
    # The public results: the winners best first (the page shows finals, not pillars).
    page = main_of(get_ok(client, f"/hasil/{season.competition.pk}/"))
    assert "Bersih" not in page and "Kampung Uji 15" not in page
    for number in (11, 12, 13, 14):
        assert f"Kampung Uji {number}" in page
    assert page.count("75,00") == 3
    assert (
        page.index("Kampung Uji 12") < page.index("Kampung Uji 13") < page.index("Kampung Uji 14")
    )
    # The guide shows the latest published competition's instrument: this one.
    guide = main_of(get_ok(client, "/panduan/"))
    for code in CODES:
        assert four_pillar_descriptor(code, 3) in guide
    assert FOUR_LEVEL_NAMES["4"] in guide
    assert "Bersih" not in guide
    # ... and any competition's by ?kompetisi=: this one's, and 2020's (the Perwali's).
    ours = main_of(get_ok(client, f"/panduan/?kompetisi={season.competition.pk}"))
    assert four_pillar_descriptor("KS2", 1) in ours and "Bersih" not in ours
    year_2020 = Competition.objects.get(year=2020, period=1)
    # Announced (the guide shows no draft's instrument: tests/indicators/test_guide_choice.py).
    Competition.objects.filter(pk=year_2020.pk).update(status=CompetitionStatus.PUBLISHED)
    perwali = main_of(get_ok(client, f"/panduan/?kompetisi={year_2020.pk}"))
    assert "Bersih" in perwali and "Lingkungan Hidup" not in perwali
    # The RT page: its pillar scores under this instrument's pillar names.
    rt = season.entries[12].rt
    rt_page = main_of(get_ok(client, f"/rt/{rt.pk}/"))
    assert "Kampung Uji 12" in rt_page
    assert "Sosial Budaya" in rt_page
    assert "Bersih" not in rt_page


def main_of(response) -> str:
    """The page's own content: the site's header and footer name the programme, not the
    instrument (the footer still cites the Perwali on every page; see the issue note)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]
