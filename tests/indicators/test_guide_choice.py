"""The public guide's ?kompetisi=<id>: only a competition the public may see (past its
draft, Competition.objects.announced()) chooses the instrument. A draft's id, an unknown
id and garbage all show the default guide with the same short notice, so the page tells
nobody which drafts exist or what they will be judged by."""

from __future__ import annotations

import pytest
from django.test import Client

from bantar.models import Role
from competitions.models import Competition, CompetitionStatus
from competitions.services import competition_create
from indicators.models import Instrument
from indicators.views import ERROR_GUIDE_COMPETITION
from tests.conftest import make_user
from tests.factories import four_pillar_instrument

pytestmark = pytest.mark.django_db

PERWALI = "Perwali Jambi No. 11 Tahun 2019"
OTHER = "Peraturan Bupati Contoh No. 4 Tahun 2026"
NOTICE = 'data-testid="guide-notice"'


def main(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def draft() -> Competition:
    """A draft on its own instrument, newer than an announced competition on the Perwali
    (the default: nothing is published, so the latest announced competition's)."""
    perwali = Instrument.objects.get(legal_basis=PERWALI, version=1)
    announced = competition_create(year=2030, instrument=perwali)
    Competition.objects.filter(pk=announced.pk).update(status=CompetitionStatus.REGISTRATION)
    return competition_create(year=2031, instrument=four_pillar_instrument())


def test_a_draft_s_instrument_is_not_shown_and_the_page_says_so(client: Client, draft):
    assert draft.status == CompetitionStatus.DRAFT
    page = main(client, f"/panduan/?kompetisi={draft.pk}")
    assert OTHER not in page and 'data-code="LH1"' not in page
    assert PERWALI in page and 'data-code="B1"' in page
    assert NOTICE in page and str(ERROR_GUIDE_COMPETITION) in page


def test_a_draft_reads_like_an_id_that_does_not_exist(client: Client, draft):
    as_draft = main(client, f"/panduan/?kompetisi={draft.pk}")
    assert main(client, "/panduan/?kompetisi=999999") == as_draft
    assert main(client, "/panduan/?kompetisi=abc") == as_draft


def test_signed_in_the_guide_keeps_the_same_rule(client: Client, draft):
    # The panitia sees a draft's instrument in the editor's preview, not in the public guide.
    client.force_login(make_user("panitia", Role.PANITIA))
    page = main(client, f"/panduan/?kompetisi={draft.pk}")
    assert OTHER not in page and NOTICE in page


@pytest.mark.parametrize(
    "stage", [s for s in CompetitionStatus if s != CompetitionStatus.DRAFT], ids=str
)
def test_an_announced_competition_s_instrument_is_chosen(client: Client, draft, stage):
    Competition.objects.filter(pk=draft.pk).update(status=stage)
    page = main(client, f"/panduan/?kompetisi={draft.pk}")
    assert OTHER in page and 'data-code="LH1"' in page and 'data-code="B1"' not in page
    assert NOTICE not in page


def test_the_plain_guide_has_no_notice_and_passes_over_the_newer_draft(client: Client, draft):
    page = main(client, "/panduan/")
    assert NOTICE not in page and PERWALI in page and OTHER not in page
