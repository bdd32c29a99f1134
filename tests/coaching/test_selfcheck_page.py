"""The self-check page: public, reads only, hands its script the rules the maths test checks."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.selfcheck import selfcheck_rules

pytestmark = pytest.mark.django_db
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


def test_an_anonymous_visitor_opens_it_and_nothing_is_written(client, open_competition):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("selfcheck"), {"l": "3452"}, HTTP_USER_AGENT="ponsel")
    assert response.status_code == 200
    writes = [q["sql"] for q in context.captured_queries if WRITES.match(q["sql"])]
    assert writes == []
    assert not any("session" in q["sql"].lower() for q in context.captured_queries)
    assert "sessionid" not in response.cookies
    # Reads: the competition, its categories, indicators, their levels, pillars.
    assert len(context.captured_queries) <= 5


def test_a_logged_in_officer_writes_nothing_either(client, officer_eka_jaya):
    client.force_login(officer_eka_jaya)
    client.get(reverse("selfcheck"))  # the session's first visit of the minute is noted
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("selfcheck")).status_code == 200
    assert [q["sql"] for q in context.captured_queries if WRITES.match(q["sql"])] == []


def test_the_page_carries_the_rules_as_json_and_no_inline_script(client, open_competition):
    html = client.get(reverse("selfcheck")).content.decode()
    found = re.search(
        r'<script id="selfcheck-rules" type="application/json">(.*?)</script>', html, re.S
    )
    assert found and json.loads(found.group(1)) == selfcheck_rules()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert scripts == []
    assert "/static/js/selfcheck-maths.js" in html and "/static/js/selfcheck.js" in html
    assert html.count('class="selfcheck-level"') == 21 * 5


def test_the_guide_links_the_self_check(client):
    assert reverse("selfcheck") in client.get(reverse("guide")).content.decode()


def test_a_post_is_refused(client):
    assert client.post(reverse("selfcheck")).status_code == 405
