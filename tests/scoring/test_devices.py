"""The tablets' reports: what each sync says it holds, and the panitia's page that shows it."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from scoring.models import FieldDevice
from tests.conftest import count_queries
from tests.scoring.conftest import jpeg_bytes
from tests.scoring.test_sync import score

pytestmark = pytest.mark.django_db

URL = "/penilaian/sinkron/"


def sync(client, changes, *, device=None, outbox=None, headers=None):
    body = {"changes": changes}
    if device is not None:
        body["device"] = str(device)
    if outbox is not None:
        body["outbox"] = outbox
    return client.post(
        URL, json.dumps(body), content_type="application/json", headers=headers or {}
    )


def page(client, competition) -> str:
    response = client.get(f"/kompetisi/{competition.pk}/tablet/")
    assert response.status_code == 200
    return response.content.decode()


def juror_card(html: str, username: str) -> str:
    match = re.search(rf'<article[^>]*data-juror="{re.escape(username)}".*?</article>', html, re.S)
    assert match, username
    return match.group(0)


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


def test_a_sync_records_the_outbox_and_what_was_applied_today(as_juror, juror, entry_eka_jaya):
    device = uuid.uuid4()
    changes = [score(entry_eka_jaya, code, 4) for code in ("B1", "B2", "B3", "B4")]
    changes.append(score(entry_eka_jaya, "Z9", 4))  # refused: unknown indicator
    assert sync(as_juror, changes, device=device, outbox=19).status_code == 200
    record = FieldDevice.objects.get(user=juror, device=device)
    assert (record.outbox, record.waiting, record.applied_today, record.refused_today) == (
        19,
        14,
        4,
        1,
    )
    # The rest arrives, with two changes sent again: they are answered, not applied twice.
    rest = changes[:2] + [score(entry_eka_jaya, f"A{i}", 3) for i in range(1, 8)]
    assert sync(as_juror, rest, device=device, outbox=9).status_code == 200
    record.refresh_from_db()
    assert (record.outbox, record.waiting, record.applied_today, record.refused_today) == (
        9,
        0,
        11,
        1,
    )
    assert FieldDevice.objects.count() == 1


def test_the_headers_report_the_device_when_the_body_does_not(as_juror, juror, entry_eka_jaya):
    device = uuid.uuid4()
    headers = {"X-Bantar-Device": str(device), "X-Bantar-Outbox": "7"}
    assert sync(as_juror, [score(entry_eka_jaya, "B1", 2)], headers=headers).status_code == 200
    record = FieldDevice.objects.get(user=juror)
    assert (record.device, record.outbox, record.waiting, record.applied_today) == (device, 7, 6, 1)


def test_a_refused_batch_still_counts_as_a_contact(as_juror, juror):
    device = uuid.uuid4()
    headers = {"X-Bantar-Device": str(device), "X-Bantar-Outbox": "5"}
    response = as_juror.post(URL, b"bukan json", content_type="application/json", headers=headers)
    assert response.status_code == 400
    record = FieldDevice.objects.get(user=juror)
    assert (record.outbox, record.waiting, record.applied_today) == (5, 5, 0)


def test_a_device_without_an_id_or_with_a_broken_one_is_not_recorded(as_juror, entry_eka_jaya):
    assert sync(as_juror, [score(entry_eka_jaya, "B1", 2)], outbox=3).status_code == 200
    bad = {"X-Bantar-Device": "tablet-1", "X-Bantar-Outbox": "banyak"}
    assert sync(as_juror, [score(entry_eka_jaya, "B2", 2)], headers=bad).status_code == 200
    assert not FieldDevice.objects.exists()


def test_yesterdays_counts_start_again_today(as_juror, juror, entry_eka_jaya):
    device = uuid.uuid4()
    sync(as_juror, [score(entry_eka_jaya, "B1", 2)], device=device, outbox=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    FieldDevice.objects.update(day=yesterday, applied_today=40, refused_today=3)
    sync(as_juror, [score(entry_eka_jaya, "B2", 2)], device=device, outbox=1)
    record = FieldDevice.objects.get()
    assert (record.day, record.applied_today, record.refused_today) == (timezone.localdate(), 1, 0)


def upload(client, entry, *, client_id: str, outbox: int, device: uuid.UUID):
    photo = io.BytesIO(jpeg_bytes(800, 600))
    photo.name = "foto.jpg"
    return client.post(
        f"/penilaian/{entry.pk}/foto/",
        {"client_id": client_id, "indicator": "B3", "photo": photo},
        headers={"X-Bantar-Device": str(device), "X-Bantar-Outbox": str(outbox)},
    )


def test_the_photo_endpoint_reports_the_device(as_juror, juror, entry_eka_jaya):
    device, photo_id = uuid.uuid4(), str(uuid.uuid4())
    assert (
        upload(as_juror, entry_eka_jaya, client_id=photo_id, outbox=3, device=device).status_code
        == 201
    )
    record = FieldDevice.objects.get(user=juror, device=device)
    assert (record.outbox, record.waiting, record.applied_today) == (3, 2, 1)
    # The same photo again (its answer was lost): answered, not counted as a second photo.
    assert (
        upload(as_juror, entry_eka_jaya, client_id=photo_id, outbox=2, device=device).status_code
        == 200
    )
    record.refresh_from_db()
    assert (record.outbox, record.waiting, record.applied_today) == (2, 1, 1)
    # A refused photo (not an image) is answered too, and counted as refused.
    broken = io.BytesIO(b"bukan foto")
    broken.name = "foto.jpg"
    response = as_juror.post(
        f"/penilaian/{entry_eka_jaya.pk}/foto/",
        {"client_id": str(uuid.uuid4()), "photo": broken},
        headers={"X-Bantar-Device": str(device), "X-Bantar-Outbox": "1"},
    )
    assert response.status_code == 400
    record.refresh_from_db()
    assert (record.waiting, record.applied_today, record.refused_today) == (0, 1, 1)


def test_the_panitia_sees_which_tablet_holds_unsent_changes(
    client, as_juror, juror, juror_polri, panitia, assessment, entry_eka_jaya
):
    device = uuid.uuid4()
    changes = [score(entry_eka_jaya, "B1", 4), score(entry_eka_jaya, "B2", 4)]
    assert sync(as_juror, changes, device=device, outbox=16).status_code == 200
    juror.phone = "081234500001"
    juror.save()
    client.force_login(panitia)
    html = page(client, assessment)
    last = timezone.localtime(FieldDevice.objects.get().last_contact)
    card = juror_card(html, juror.username)
    assert 'data-waiting="14"' in card and "⚠ 14" in card
    assert re.search(r"data-applied>\s*2\s*<", card)
    assert f"hari ini {last:%H:%M} WIB" in card
    assert 'href="tel:081234500001"' in card
    assert device.hex[:6] in card
    summary = re.search(r'data-testid="devices-holding".*?</div>', html, re.S).group(0)
    assert "1 juri masih menyimpan 14 perubahan yang belum terkirim" in summary
    assert (
        f"{juror.get_full_name()}</a>: 14 perubahan, terakhir tersambung {last:%H:%M} WIB"
        in summary
    )
    assert "Belum pernah tersambung" in juror_card(html, juror_polri.username)


def test_an_older_contact_shows_its_date_and_no_count_for_today(
    client, as_juror, juror, panitia, assessment, entry_eka_jaya
):
    sync(as_juror, [score(entry_eka_jaya, "B1", 4)], device=uuid.uuid4(), outbox=1)
    then = timezone.now() - timedelta(days=2)
    FieldDevice.objects.update(last_contact=then, day=timezone.localdate(then), applied_today=9)
    client.force_login(panitia)
    card = juror_card(page(client, assessment), juror.username)
    local = timezone.localtime(then)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]  # fmt: skip
    assert f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M} WIB" in card
    assert re.search(r"data-applied>\s*0\s*<", card)
    assert 'data-waiting="0"' in card


def test_the_page_costs_the_same_queries_for_one_tablet_as_for_many(
    client, juror, juror_polri, juror_local, panitia, assessment, team1
):
    client.force_login(panitia)
    FieldDevice.objects.create(
        user=juror, device=uuid.uuid4(), last_contact=timezone.now(), day=timezone.localdate()
    )
    one = count_queries(client, f"/kompetisi/{assessment.pk}/tablet/")
    for user in (juror, juror_polri, juror_local) * 3:
        FieldDevice.objects.create(
            user=user, device=uuid.uuid4(), last_contact=timezone.now(), day=timezone.localdate()
        )
    assert count_queries(client, f"/kompetisi/{assessment.pk}/tablet/") == one


@pytest.mark.parametrize(
    ("persona", "status"),
    [("juror", 403), ("juror_team2", 403), ("officer_eka_jaya", 403), ("pejabat", 403)],
)
def test_only_the_panitia_sees_the_tablets(client, request, persona, status, assessment, team2):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/kompetisi/{assessment.pk}/tablet/").status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, assessment):
    response = client.get(f"/kompetisi/{assessment.pk}/tablet/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_teams_page_links_to_the_tablets(client, panitia, assessment):
    client.force_login(panitia)
    html = client.get(f"/kompetisi/{assessment.pk}/tim/").content.decode()
    assert f'href="/kompetisi/{assessment.pk}/tablet/"' in html
