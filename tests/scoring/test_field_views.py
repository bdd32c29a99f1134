"""The field kit's server side: the service worker script, the manifest, the day's kit, the outbox
page, and the links a juror taps on the list."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator
from scoring.evidence import evidence_add
from scoring.field_views import field_version
from scoring.models import Recusal
from scoring.services import entry_assign
from scoring.templatetags.field_tags import geo_url, tel_url, whatsapp_url
from tests.factories import EntryFactory, RTFactory
from tests.scoring.conftest import jpeg_bytes, post_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_juror(client, juror, team1):
    client.force_login(juror)
    return client


def test_the_service_worker_controls_the_whole_site_and_is_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["version"] == field_version()
    assert config["urls"] == {
        "kit": "/penilaian/kit/",
        "list": "/penilaian/",
        "logout": "/accounts/logout/",
    }
    assert "Belum tersedia tanpa koneksi" in config["texts"]["offlineTitle"]
    assert 'self.addEventListener("fetch"' in body


def test_a_release_is_a_new_version_and_the_script_changes_with_it(client, settings):
    before = client.get("/sw.js").content
    settings.BANTAR_FIELD_VERSION_SUFFIX = "-uji"
    after = client.get("/sw.js").content
    assert before != after
    assert field_version().endswith("-uji")
    # One language for the script, whatever the juror's menu says: no "release" per language.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/sw.js").content == after


def test_the_manifest_names_the_field_app_in_indonesian(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["short_name"] == "BANTAR Juri" and manifest["lang"] == "id"
    assert manifest["start_url"] == "/penilaian/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#146c43"
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_kit_lists_the_jurors_rts_their_thumbnails_and_the_pages_for_offline(
    as_juror, juror, entry_eka_jaya, assessment, team1, panitia, beringin
):
    photo, _created = evidence_add(
        entry=entry_eka_jaya,
        juror=juror,
        indicator=Indicator.objects.get(code="B2"),
        data=jpeg_bytes(640, 480),
        client_id=uuid.uuid4(),
    )
    # An RT of the juror's own kelurahan (Beringin) is not the juror's to score: not in the kit.
    home = EntryFactory(
        competition=assessment, rt=RTFactory(kelurahan=beringin, number=12), status="verified"
    )
    entry_assign(entry=home, team=team1, by=panitia)
    kit = as_juror.get("/penilaian/kit/").json()
    assert kit["user"] == juror.pk and kit["version"] == field_version()
    assert [entry["id"] for entry in kit["entries"]] == [entry_eka_jaya.pk]
    entry = kit["entries"][0]
    assert entry["url"] == f"/penilaian/{entry_eka_jaya.pk}/"
    assert entry["assets"] == [f"/bukti/{photo.pk}/thumb/"]
    assert entry["status"] == "draft"
    for url in ("/penilaian/", "/panduan/", "/penilaian/kotak-keluar/", "/manifest.webmanifest"):
        assert url in kit["urls"]
    assert any(url.endswith("js/field.js") for url in kit["urls"])


def test_a_change_on_the_sheet_changes_the_rts_entry_in_the_kit(as_juror, entry_eka_jaya):
    before = as_juror.get("/penilaian/kit/").json()["entries"][0]["updated"]
    assert post_score(as_juror, entry_eka_jaya, "B1", 4).status_code == 200
    after = as_juror.get("/penilaian/kit/").json()["entries"][0]["updated"]
    assert after > before  # the service worker fetches that RT's page again


def test_the_kit_takes_the_same_queries_for_one_rt_as_for_six(
    as_juror, entry_eka_jaya, assessment, eka_jaya, team1, panitia
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_juror.get("/penilaian/kit/").status_code == 200
        # The page's own reads; not the session's activity stamp, written once a minute.
        return len(
            [
                q
                for q in captured
                if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            ]
        )

    one = queries()
    for number in range(20, 25):
        entry = EntryFactory(
            competition=assessment,
            rt=RTFactory(kelurahan=eka_jaya, number=number),
            status="verified",
        )
        entry_assign(entry=entry, team=team1, by=panitia)
    assert queries() == one


def test_a_recused_rt_is_not_in_the_kit(as_juror, juror, entry_eka_jaya, panitia):
    Recusal.objects.create(entry=entry_eka_jaya, juror=juror, reason="Kerabat", recorded_by=panitia)
    assert as_juror.get("/penilaian/kit/").json()["entries"] == []


def test_a_tab_can_ask_whose_session_it_is(as_juror, juror, client):
    assert as_juror.get("/penilaian/kit/?siapa=1").json()["user"] == juror.pk
    as_juror.logout()
    assert client.get("/penilaian/kit/?siapa=1").status_code == 302  # to the login page


def test_the_outbox_page_is_a_jurors_page(as_juror, client, panitia):
    page = as_juror.get("/penilaian/kotak-keluar/")
    assert page.status_code == 200
    assert b'id="outbox-list"' in page.content and b"Kirim sekarang" in page.content
    client.force_login(panitia)
    assert client.get("/penilaian/kotak-keluar/").status_code == 403


def test_the_list_gives_the_head_of_rt_a_call_a_whatsapp_and_a_map_link(as_juror, entry_eka_jaya):
    entry_eka_jaya.phone = "0812-3456-7890"
    entry_eka_jaya.latitude, entry_eka_jaya.longitude = Decimal("-1.610000"), Decimal("103.613500")
    entry_eka_jaya.save()
    page = as_juror.get("/penilaian/").content.decode()
    assert 'href="tel:081234567890"' in page
    assert 'href="https://wa.me/6281234567890"' in page
    assert 'href="geo:-1.61,103.6135"' in page


@pytest.mark.parametrize(
    ("phone", "tel", "whatsapp"),
    [
        ("081234567890", "tel:081234567890", "https://wa.me/6281234567890"),
        ("+62 812 3456 7890", "tel:6281234567890", "https://wa.me/6281234567890"),
        ("0741-123456", "tel:0741123456", ""),  # a landline has no WhatsApp
        ("", "", ""),
    ],
)
def test_phone_links(phone, tel, whatsapp):
    assert (tel_url(phone), whatsapp_url(phone)) == (tel, whatsapp)


def test_no_map_link_without_a_whole_point():
    assert geo_url(Decimal("-1.6"), None) == ""
    rendered = Template("{% load field_tags %}{% geo_url a b %}").render(
        Context({"a": Decimal("-1.600000"), "b": Decimal("103.610000")})
    )
    assert rendered == "geo:-1.6,103.61"
