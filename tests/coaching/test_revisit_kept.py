"""The re-visit pages at city scale (issue 19): a round's page and xlsx read its own RTs and
their awards only, and the draw's audit (every winner of the source) is kept under the
source's result version. The city is tests/coaching/city.py (2021: three winners)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.forms import ERROR_HAND_UNKNOWN, ERROR_SEARCH_KECAMATAN
from coaching.models import RevisitRound
from coaching.revisits import (
    DrawAudit,
    draw_audit,
    draw_repeated,
    published_winners,
    revisit_create,
    revisit_page,
)
from competitions.models import Competition, Entry
from scoring.models import ResultSet
from tests.coaching.city import build_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition_2021(panitia) -> Competition:
    build_city(panitia)
    return Competition.objects.get(year=2021, period=1)


def queries(client, url: str) -> int:
    client.get(url)  # the session's activity write out of the way
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_shows_the_chosen_awards_and_the_audit_as_before(edition_2021, panitia):
    revisit = revisit_create(source=edition_2021, by=panitia, size=2, seed=777)
    awards = {winner.rt.pk: winner.result for winner in published_winners(edition_2021)}
    page = revisit_page(revisit)
    assert [row.rt.pk for row in page.rows] == revisit.chosen
    assert [row.award for row in page.rows] == [awards[rt] for rt in revisit.chosen]
    assert [row.award.final for row in page.rows if row.award] == [
        awards[rt].final for rt in revisit.chosen
    ]
    assert (page.winners, page.repeated) == (3, True) == (len(awards), draw_repeated(revisit))
    by_hand = revisit_create(source=edition_2021, by=panitia, rt_ids=revisit.chosen[:1])
    hand_page = revisit_page(by_hand)
    assert (hand_page.audit, hand_page.winners, hand_page.repeated) == (None, None, None)
    assert hand_page.rows[0].award == awards[revisit.chosen[0]]


def test_the_kept_audit_follows_the_source_result_set(edition_2021, panitia):
    revisit = revisit_create(source=edition_2021, by=panitia, size=2, seed=777)
    assert draw_audit(revisit) == DrawAudit(winners=3, repeated=True)
    with CaptureQueriesContext(connection) as kept:
        assert draw_audit(revisit) == DrawAudit(winners=3, repeated=True)
    assert len(kept) == 2  # the version and the kept audit: no winner is read
    # The published set is superseded (a correction under way): no winners now.
    published = ResultSet.objects.get(competition=edition_2021, superseded_at__isnull=True)
    published.superseded_at = timezone.now()
    published.save()
    assert draw_audit(revisit) == DrawAudit(winners=0, repeated=False)
    assert revisit_page(revisit).rows[0].award is None
    # An altered list is another key: never the audit of the stored one.
    published.superseded_at = None
    published.save()
    revisit.chosen = list(reversed(revisit.chosen))
    assert draw_audit(revisit) == DrawAudit(winners=3, repeated=False)


def test_the_page_and_xlsx_read_the_same_queries_for_one_rt_and_three(
    edition_2021, panitia, client
):
    client.force_login(panitia)
    one = revisit_create(source=edition_2021, by=panitia, size=1, seed=5)
    three = revisit_create(source=edition_2021, by=panitia, size=3, seed=5)
    for name in ("", "unduh.xlsx"):
        assert queries(client, f"/kunjungan-ulang/{one.pk}/{name}") == queries(
            client, f"/kunjungan-ulang/{three.pk}/{name}"
        )
    html = client.get(f"/kunjungan-ulang/{three.pk}/").content.decode()
    assert "3 dari 3 RT pemenang" in html


# --- The new round's page: a search of the winners a page at a time -----------------------


def test_the_new_round_page_searches_pages_and_keeps_the_ticks(
    edition_2021, panitia, client, monkeypatch
):
    from coaching import views
    from competitions.models import RT

    monkeypatch.setattr(views, "WINNERS_PAGE", 2)
    client.force_login(panitia)
    url = f"/kunjungan-ulang/baru/{edition_2021.pk}/"
    rts = {str(rt): rt.pk for rt in RT.objects.filter(entries__competition=edition_2021)}
    first = client.get(url).content.decode()
    assert "3 RT pemenang yang diumumkan." in first
    assert "Pemenang 1–2 dari 3 yang cocok." in first
    assert "RT 02 Beringin · 75,00" in first and "RT 01 Eka Jaya · 95,24" in first
    assert "RT 04 Eka Jaya" not in first  # on page 2 (Beringin's code sorts first)
    # Page 2 with RT 01 ticked: RT 04 is listed, RT 01 stays ticked, nothing is saved.
    second = client.post(
        url, {"rts": [rts["RT 01 Eka Jaya"]], "halaman": "2", "size": "2", "threshold": "7,50"}
    ).content.decode()
    assert "RT 04 Eka Jaya · 71,43" in second and "RT 02 Beringin" not in second
    assert f'value="{rts["RT 01 Eka Jaya"]}" id="rts-chosen-{rts["RT 01 Eka Jaya"]}" checked' in (
        second
    )
    assert 'value="2"' in second and 'value="7,50"' in second  # the typed size and threshold
    assert "Isi jumlah RT" not in second and not RevisitRound.objects.exists()
    # A search by kelurahan, RT 04 ticked too; the head of RT is never searched.
    found = client.post(
        url, {"rts": [rts["RT 01 Eka Jaya"], rts["RT 04 Eka Jaya"]], "q": "Beringin", "cari": "1"}
    ).content.decode()
    assert "Pemenang 1–1 dari 1 yang cocok." in found and "Dicentang: 2 RT" in found
    unknown = client.post(url, {"q": "Beringin", "kecamatan": "999999", "cari": "1"})
    assert str(ERROR_SEARCH_KECAMATAN) in unknown.content.decode()
    assert "Pemenang 1–1 dari 1 yang cocok." in unknown.content.decode()
    ketua = Entry.objects.get(competition=edition_2021, rt_id=rts["RT 02 Beringin"]).ketua_rt
    assert (
        "Tidak ada pemenang yang cocok."
        in client.post(url, {"q": ketua, "cari": "1"}).content.decode()
    )
    # A ticked RT that is not a winner is refused with the reason; the ticks make the round.
    loser = RT.objects.get(kelurahan__name="Eka Jaya", number=7).pk
    refused = client.post(url, {"selection": "hand", "rts": [loser], "threshold": "5"})
    assert str(ERROR_HAND_UNKNOWN) in refused.content.decode()
    assert not RevisitRound.objects.exists()
    done = client.post(
        url,
        {
            "selection": "hand",
            "rts": [rts["RT 04 Eka Jaya"], rts["RT 01 Eka Jaya"]],
            "threshold": "5",
        },
    )
    revisit = RevisitRound.objects.get()
    assert done.status_code == 302
    assert revisit.chosen == [rts["RT 01 Eka Jaya"], rts["RT 04 Eka Jaya"]]


def test_the_new_round_page_reads_the_same_queries_for_one_winner_and_three(
    edition_2021, panitia, client
):
    client.force_login(panitia)
    one = Competition.objects.get(year=2022)  # Eka Jaya RT 01 only
    assert len(published_winners(one)) == 1 and len(published_winners(edition_2021)) == 3
    for data in ({}, {"q": "Eka", "cari": "1"}):
        counts = []
        for source in (one, edition_2021):
            url = f"/kunjungan-ulang/baru/{source.pk}/"
            ask = client.post if data else client.get
            ask(url, data)
            with CaptureQueriesContext(connection) as captured:
                assert ask(url, data).status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1]


# --- One rule for the source's winners (follow-up: it was written three times) ---------


def test_every_reader_of_the_winners_reads_one_rule(edition_2021, panitia):
    """`_published_winners` is the one home of "the source's winners" (its current published
    set's winning results); the draw, the audit's keys, the kept order, a search, the ticks
    and a round's awards all read it, and the rule is written once in the module."""
    from pathlib import Path

    from coaching import revisits

    text = Path(revisits.__file__).read_text()
    assert text.count("result_set__published_at__isnull") == 1
    assert text.count("is_winner=True") == 1
    home = sorted(revisits._published_winners(edition_2021).values_list("entry__rt_id", flat=True))
    assert len(home) == 3
    assert sorted(winner.rt.pk for winner in published_winners(edition_2021)) == home
    assert sorted(revisits.winner_keys(edition_2021).values()) == home
    assert sorted(revisits.winner_order(edition_2021)) == home
    assert sorted(revisits.winner_search(edition_2021, text="RT")) == home
    in_order = [winner.rt.pk for winner in published_winners(edition_2021)]
    assert [winner.rt.pk for winner in revisits.chosen_winners(edition_2021, home)] == in_order
    assert revisits.winner_order(edition_2021) == in_order
    # The same RTs won other editions too: their entries given, the source's results only.
    others = Entry.objects.filter(rt_id__in=home).exclude(competition=edition_2021)
    assert others.exists()
    through_entries = revisits._published_winners(
        edition_2021, entries=Entry.objects.filter(rt_id__in=home)
    )
    assert sorted(r.entry.rt_id for r in through_entries) == home
    assert {r.result_set.competition_id for r in through_entries} == {edition_2021.pk}
    revisit = revisit_create(source=edition_2021, by=panitia, rt_ids=home)
    assert sorted(revisits.chosen_awards(revisit)) == home
    # Superseded (a correction under way): no reader finds a winner.
    published = ResultSet.objects.get(competition=edition_2021, superseded_at__isnull=True)
    published.superseded_at = timezone.now()
    published.save()
    assert revisits._published_winners(edition_2021).count() == 0
    assert published_winners(edition_2021) == [] and revisits.winner_keys(edition_2021) == {}
    assert revisits.chosen_awards(revisit) == {}
    assert revisits.chosen_winners(edition_2021, home) == []
