"""One date format across pages, lists and documents (issue 18): "26 Oktober 2020", and a
moment as "26 Oktober 2020 14:30 WIB" on Jambi's clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from bantar.dates import tanggal, tanggal_jam, waktu
from competitions.models import Entry
from competitions.reports import participants_report
from tests.competitions.conftest import entry_form

# 26 October 2020, 07:30 UTC is 14:30 in Jambi (WIB, UTC+7).
MOMENT = datetime(2020, 10, 26, 7, 30, tzinfo=UTC)


def test_a_day_and_a_moment_read_the_same_everywhere():
    assert tanggal(date(2020, 10, 26)) == "26 Oktober 2020"
    assert tanggal(MOMENT) == "26 Oktober 2020"
    assert waktu(MOMENT) == "26 Oktober 2020 14:30 WIB"
    assert tanggal_jam(MOMENT) == "26 Oktober 2020 14:30"
    assert tanggal(None) == waktu(None) == ""
    with translation.override("en"):
        assert tanggal(MOMENT) == "26 October 2020"


def test_the_template_filters_write_the_same():
    template = Template("{% load bantar %}{{ day|tanggal }} · {{ moment|waktu }}")
    rendered = template.render(Context({"day": date(2020, 10, 26), "moment": MOMENT}))
    assert rendered == "26 Oktober 2020 · 26 Oktober 2020 14:30 WIB"


# The shapes the issue found ("26-10-2020", "26 Okt 2020") and a doubled comma form.
OTHER_SHAPES = re.compile(r'date:"j M Y|date:"j F Y, H:i|d-m-Y|%d-%m-%Y|%d/%m/%Y|date:"d[-/]')


def test_no_page_or_list_writes_a_date_another_way():
    roots = [settings.BASE_DIR / "templates"] + [
        settings.BASE_DIR / app
        for app in ("bantar", "competitions", "scoring", "season", "documents", "coaching")
    ]
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for root in roots
        for path in sorted(Path(root).rglob("*"))
        if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OTHER_SHAPES.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_history_and_the_list_read_26_oktober_2020(client, open_competition, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    client.post(f"/kompetisi/{open_competition.pk}/peserta/baru/", entry_form())
    entry = Entry.objects.get()
    entry.history.update(history_date=MOMENT)
    page = client.get(f"/peserta/{entry.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') : page.index("</ol>")]
    assert "26 Oktober 2020 14:30 WIB" in timeline
    report = participants_report(open_competition, [entry], scope="Eka Jaya", with_contacts=False)
    assert re.search(r"dicetak \d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2} WIB$", str(report.subtitle))
