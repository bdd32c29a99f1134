"""A petugas kecamatan verifies or returns proposals; both sides see the history."""

from __future__ import annotations

import pytest

from competitions.models import CompetitionStatus, EntryStatus
from competitions.services import ERROR_RETURN_NOTE_REQUIRED
from competitions.stages import ERROR_VERIFICATION_CLOSED
from tests.competitions.conftest import entry_form
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(open_competition, eka_jaya, officer_eka_jaya):
    return EntryFactory(
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya, number=8),
        submitted_by=officer_eka_jaya,
    )


def test_the_kecamatan_verifies_a_proposal(client, officer_paal_merah, proposal):
    client.force_login(officer_paal_merah)
    response = client.post(f"/peserta/{proposal.pk}/verifikasi/", follow=True)
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.VERIFIED
    assert "RT 08 Eka Jaya terverifikasi." in response.content.decode()
    assert proposal.history.latest().history_user == officer_paal_merah


def test_verifying_twice_changes_nothing_the_second_time(client, officer_paal_merah, proposal):
    client.force_login(officer_paal_merah)
    client.post(f"/peserta/{proposal.pk}/verifikasi/")
    records = proposal.history.count()
    response = client.post(f"/peserta/{proposal.pk}/verifikasi/", follow=True)
    assert response.status_code == 200
    assert proposal.history.count() == records


def test_returning_needs_a_reason(client, officer_paal_merah, proposal):
    client.force_login(officer_paal_merah)
    response = client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": "  "}, follow=True)
    assert str(ERROR_RETURN_NOTE_REQUIRED) in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.PROPOSED


def test_a_returned_entry_is_fixed_and_proposed_again(
    client, officer_paal_merah, officer_eka_jaya, proposal
):
    client.force_login(officer_paal_merah)
    client.post(
        f"/peserta/{proposal.pk}/kembalikan/", {"note": "Jumlah KK tidak sesuai data kelurahan."}
    )
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.RETURNED

    client.force_login(officer_eka_jaya)
    page = client.get(f"/peserta/{proposal.pk}/").content.decode()
    assert "Jumlah KK tidak sesuai data kelurahan." in page
    client.post(
        f"/peserta/{proposal.pk}/ubah/",
        entry_form(rt=str(proposal.rt.pk), new_rt_number="", kk_count="64"),
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.kk_count) == (EntryStatus.PROPOSED, 64)

    client.force_login(officer_paal_merah)
    client.post(f"/peserta/{proposal.pk}/verifikasi/")
    page = client.get(f"/peserta/{proposal.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    for status in ("Diusulkan", "Dikembalikan", "Diusulkan", "Terverifikasi"):
        assert status in timeline
    assert timeline.count("<li") == 4
    assert "Dikembalikan: Jumlah KK tidak sesuai data kelurahan." in timeline
    assert officer_paal_merah.get_full_name() in timeline


def test_a_returned_entry_can_still_be_fixed_after_the_registration_deadline(
    client, officer_paal_merah, officer_eka_jaya, proposal
):
    client.force_login(officer_paal_merah)
    client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": "Lengkapi alamat."})
    competition = proposal.competition
    competition.status = CompetitionStatus.VERIFICATION
    competition.save()
    client.force_login(officer_eka_jaya)
    client.post(f"/peserta/{proposal.pk}/usulkan/")
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.PROPOSED


def test_nothing_is_verified_once_assessment_has_begun(client, officer_paal_merah, proposal):
    competition = proposal.competition
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    client.force_login(officer_paal_merah)
    response = client.post(f"/peserta/{proposal.pk}/verifikasi/", follow=True)
    expected = ERROR_VERIFICATION_CLOSED % {
        "competition": competition.title,
        "status": "Penilaian lapangan",
    }
    assert expected in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == EntryStatus.PROPOSED


def test_a_kelurahan_officer_cannot_verify_its_own_entry(client, officer_eka_jaya, proposal):
    client.force_login(officer_eka_jaya)
    assert client.post(f"/peserta/{proposal.pk}/verifikasi/").status_code == 403
    assert client.post(f"/peserta/{proposal.pk}/kembalikan/", {"note": "x"}).status_code == 403


def test_another_kecamatan_gets_404(client, officer_pasar_jambi, proposal):
    client.force_login(officer_pasar_jambi)
    assert client.post(f"/peserta/{proposal.pk}/verifikasi/").status_code == 404
    assert client.get(f"/peserta/{proposal.pk}/").status_code == 404


def test_the_queue_groups_proposals_by_kelurahan_within_the_kecamatan(
    client, officer_paal_merah, open_competition, eka_jaya, beringin, paal_merah
):
    other = paal_merah.kelurahan.exclude(pk=eka_jaya.pk).first()
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=1))
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=other, number=2))
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=beringin, number=3))
    EntryFactory(
        competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=4), status="draft"
    )
    client.force_login(officer_paal_merah)
    page = client.get("/verifikasi/").content.decode()
    assert f'data-kelurahan="{eka_jaya.name}"' in page
    assert f'data-kelurahan="{other.name}"' in page
    assert "Beringin" not in page
    assert page.count("data-entry=") == 2  # drafts stay with the kelurahan


def test_the_queue_is_for_kecamatan_officers_only(client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    assert client.get("/verifikasi/").status_code == 403
