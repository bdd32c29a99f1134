"""Heads of RT's names and phones appear exactly where `scoring.see_contacts` allows.

Every page and export of the access matrix that answers a persona is read back
(HTML, CSV, xlsx cells, PDF text) and searched for every entry's head of RT and
phone, each made unique first. The rule: the officers of the entry's kelurahan
and kecamatan, the panitia, and the jurors of the entry's team while its
assessment is open; not the pejabat, not other jurors, not the public.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from competitions.models import CompetitionStatus, Entry
from competitions.stages import Write, stage_allows
from tests.security.test_access_matrix import MATRIX
from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

MARK = re.compile(r"Ketua Rahasia (\d+)|08999(\d{6})")


def response_text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "pdf" in content_type:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def entries_seen(text: str) -> set[int]:
    return {int(a or b) for a, b in MARK.findall(text)}


def allowed_entries(world, persona: str) -> set[int]:
    """The rule written out once more, as a query, for the test to compare against."""
    user = world.users[persona]
    entries = Entry.objects.all()
    if persona in ("panitia", "admin"):
        return set(entries.values_list("pk", flat=True))
    if persona.startswith("kelurahan"):
        return set(entries.filter(rt__kelurahan=user.kelurahan).values_list("pk", flat=True))
    if persona.startswith("kecamatan"):
        mine = entries.filter(rt__kelurahan__kecamatan=user.kecamatan)
        return set(mine.values_list("pk", flat=True))
    if persona.startswith("juror"):
        assigned = entries.filter(assignment__team__members__user=user).select_related(
            "competition"
        )
        return {e.pk for e in assigned if stage_allows(e.competition, Write.SCORE)}
    return set()


def test_heads_of_rt_appear_exactly_for_the_roles_the_rule_names(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    for entry in Entry.objects.all():
        Entry.objects.filter(pk=entry.pk).update(
            ketua_rt=f"Ketua Rahasia {entry.pk}", phone=f"08999{entry.pk:06d}"
        )
    world.published.refresh_from_db()
    assert world.published.status == CompetitionStatus.PUBLISHED
    wrong, seen_by = [], {persona: set() for persona in PERSONAS}
    for (name, method), expected in MATRIX.items():
        if method != "GET":
            continue
        url = reverse(name, kwargs=world.kwargs.get(name, {}))
        for persona, status in expected.items():
            if status != 200:
                continue
            client.logout()
            if world.users[persona] is not None:
                client.force_login(world.users[persona])
            with transaction.atomic():
                seen = entries_seen(response_text(client.get(url)))
                transaction.set_rollback(True)
            seen_by[persona] |= seen
            beyond = seen - allowed_entries(world, persona)
            if beyond:
                wrong.append(f"GET {url} as {persona}: heads of RT of entries {sorted(beyond)}")
    assert wrong == []
    # And the rule is not met by showing nobody: those who work with the RT see it.
    for persona in ("kelurahan_ekajaya", "kecamatan_paalmerah", "juror_assigned", "panitia"):
        assert seen_by[persona], f"{persona} never sees a head of RT"
    assert not (seen_by["pejabat"] | seen_by["anonymous"] | seen_by["juror_other"])
    published = set(Entry.objects.filter(competition=world.published).values_list("pk", flat=True))
    assert not seen_by["juror_assigned"] & published  # after the assessment, jurors no longer see
    assert Entry.objects.filter(Q(ketua_rt__startswith="Ketua Rahasia")).count() > 10
