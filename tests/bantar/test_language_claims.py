"""README, "Languages": mail in the recipient's stored language, official texts marked lang="id".

A returned entry reaches two officers of the same kelurahan through a real SMTP server
on loopback: the one who chose English reads English, the one without a choice reads
Indonesian. On English pages, the indicator texts of the public RT page and of the
coaching view stay official Indonesian and are marked `lang="id"` for screen readers.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from bantar.models import Role, User
from competitions.models import Competition, Entry, EntryStatus, Kelurahan
from scoring.result_services import competition_finalise, competition_publish
from tests.conftest import make_user
from tests.factories import EntryFactory, RTFactory
from tests.scoring.seasons import build_season
from tests.smtp import subject_of

pytestmark = pytest.mark.django_db


def test_a_returned_entry_mails_each_officer_in_its_own_language(
    client: Client,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
    officer_paal_merah: User,
    officer_eka_jaya: User,
    open_competition: Competition,
    eka_jaya: Kelurahan,
) -> None:
    english = make_user("kelurahan.ekajaya2", Role.KELURAHAN, kelurahan=eka_jaya, language="en")
    assert officer_eka_jaya.language == ""  # no choice: Indonesian
    entry: Entry = EntryFactory(  # type: ignore[assignment]
        competition=open_competition,
        rt=RTFactory(kelurahan=eka_jaya, number=8),
        submitted_by=officer_eka_jaya,
    )
    client.force_login(officer_paal_merah)
    client.cookies["django_language"] = "en"  # the sender's language changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/peserta/{entry.pk}/kembalikan/", {"note": "KK kurang jelas."})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED
    subjects = {message["To"]: subject_of(message) for message in smtp_server.messages}
    assert subjects == {
        officer_eka_jaya.email: "Usulan RT 08 Eka Jaya dikembalikan kecamatan",
        english.email: "Proposal RT 08 Eka Jaya returned by the kecamatan",
    }


@pytest.fixture
def published(panitia: User) -> dict[str, Entry]:
    from competitions.services import competition_create

    competition = competition_create(year=2025)
    entries = build_season(competition)
    competition_finalise(competition=competition, by=panitia)
    competition_publish(competition=competition, by=panitia)
    return entries


def _indicator_texts(entry: Entry) -> list[str]:
    return [indicator.text for indicator in entry.competition.instrument.indicators.all()]


def test_official_texts_are_marked_indonesian_on_the_english_rt_page_and_coaching_view(
    client: Client, published: dict[str, Entry], officer_eka_jaya: User
) -> None:
    entry = published["D"]  # Eka Jaya, Pintar weakest
    texts = _indicator_texts(entry)
    client.cookies["django_language"] = "en"
    rt_page = client.get(f"/rt/{entry.rt_id}/").content.decode()
    assert '<html lang="en"' in rt_page
    marked = [text for text in texts if f'<span lang="id">{escape(text)}</span>' in rt_page]
    assert marked, "the RT page's weakest indicators are not marked lang=id"
    client.force_login(officer_eka_jaya)
    officer_eka_jaya.language = "en"
    officer_eka_jaya.save()
    coaching = client.get("/pembinaan/").content.decode()
    assert '<html lang="en"' in coaching
    assert "Weakest indicators" in coaching
    marked = [text for text in texts if f'<span lang="id">{escape(text)}</span>' in coaching]
    assert len(marked) >= 3, "the coaching view's indicator texts are not marked lang=id"
    # In Indonesian nothing needs marking.
    client.cookies["django_language"] = "id"
    officer_eka_jaya.language = "id"
    officer_eka_jaya.save()
    assert 'lang="id">' not in client.get("/pembinaan/").content.decode().split("<body", 1)[1]
