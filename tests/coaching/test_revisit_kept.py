"""The re-visit pages at city scale (issue 19): a round's page and xlsx read its own RTs and
their awards only, and the draw's audit (every winner of the source) is kept under the
source's result version. The city is tests/coaching/city.py (2021: three winners)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.revisits import (
    DrawAudit,
    draw_audit,
    draw_repeated,
    published_winners,
    revisit_create,
    revisit_page,
)
from competitions.models import Competition
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
