"""bantar/access.py: a refused request is expected, so it is logged as one line, not a traceback.

The line names who was refused, where and by which rule, at WARNING; Django's own
"Forbidden (Permission denied)" record, which carries the exception's traceback, is not
written as well.
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from bantar.access import log_refusal, require

pytestmark = pytest.mark.django_db


def test_a_refused_page_logs_one_line_with_user_path_and_rule(client, juror, caplog):
    client.force_login(juror)
    with caplog.at_level(logging.INFO):
        response = client.get("/surel/")

    assert response.status_code == 403
    assert [(r.name, r.levelname) for r in caplog.records] == [("bantar.access", "WARNING")]
    record = caplog.records[0]
    assert record.getMessage() == (
        f"403 refused: user={juror.username} path=/surel/ rule=bantar.read_mail_log"
    )
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_rule_refuses_with_no_message_for_the_user(juror):
    # JSON answers show str(error) to the juror (scoring.views._answer): the rule's name
    # is for the log only.
    with pytest.raises(PermissionDenied) as refused:
        require(juror, "bantar.read_mail_log")
    assert str(refused.value) == ""


def test_a_refusal_without_a_named_rule_logs_its_reason(juror, caplog):
    request = RequestFactory().get("/kompetisi/1/rt/%0A2/")  # a newline in the path
    request.user = juror
    with caplog.at_level(logging.WARNING):
        log_refusal(request, PermissionDenied("RT ini bukan dari kelurahan Anda"))
        log_refusal(request, PermissionDenied())

    assert [r.getMessage() for r in caplog.records] == [
        f"403 refused: user={juror.username} path=/kompetisi/1/rt/\\n2/ "
        "rule=RT ini bukan dari kelurahan Anda",
        f"403 refused: user={juror.username} path=/kompetisi/1/rt/\\n2/ rule=-",
    ]
