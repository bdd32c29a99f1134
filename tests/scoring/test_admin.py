"""The admin reads the scoring tables and writes none of them; no history is reverted."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalChanges

from bantar.models import Role
from competitions.models import Entry, EntryStatus
from competitions.services import entry_verify
from scoring.models import Score, ScoreSheet
from tests.conftest import make_user
from tests.factories import EntryFactory
from tests.scoring.seasons import PLANS, build_season

pytestmark = pytest.mark.django_db


def scoring_models() -> list[type]:
    return [
        model
        for model in apps.get_app_config("scoring").get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def as_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_scoring_model_is_in_the_admin_to_read_only(admin_user):
    request = as_request(admin_user)
    models = scoring_models()
    assert len(models) >= 11
    for model in models:
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_the_models_with_an_audit_history_show_it(admin_user, client, open_competition):
    build_season(open_competition, plans=PLANS[:1])
    score = Score.objects.first()
    score.note = "Bank sampah aktif."
    score.save()
    version = score.history.latest()
    client.force_login(admin_user)
    assert client.get(reverse("admin:scoring_score_change", args=[score.pk])).status_code == 200
    page = client.get(reverse("admin:scoring_score_history", args=[score.pk]))
    assert page.status_code == 200
    shown = reverse("admin:scoring_score_simple_history", args=[score.pk, version.history_id])
    assert shown in page.content.decode()


def test_a_sheet_cannot_be_changed_or_deleted_from_the_admin(admin_user, client, open_competition):
    build_season(open_competition, plans=PLANS[:1], submit=False)
    sheet = ScoreSheet.objects.first()
    client.force_login(admin_user)
    change = reverse("admin:scoring_scoresheet_change", args=[sheet.pk])
    assert client.post(change, {"status": "submitted"}).status_code == 403
    delete = reverse("admin:scoring_scoresheet_delete", args=[sheet.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    sheet.refresh_from_db()
    assert sheet.status == "draft"


def test_a_score_history_cannot_be_reverted(admin_user, client, open_competition):
    build_season(open_competition, plans=PLANS[:1])
    score = Score.objects.first()
    score.value = 2
    score.save()
    old = score.history.latest()
    score.value = 1
    score.save()
    client.force_login(admin_user)
    revert = reverse("admin:scoring_score_simple_history", args=[score.pk, old.history_id])
    assert client.get(revert).status_code == 200  # shown, to read
    assert client.post(revert, {"value": old.value, "note": ""}).status_code == 403
    score.refresh_from_db()
    assert score.value == 1


def test_the_entry_admin_does_not_edit_the_status(admin_user, open_competition):
    entry = build_season(open_competition, plans=PLANS[:1])["A"]
    entry_admin = admin.site._registry[Entry]
    form = entry_admin.get_form(as_request(admin_user), entry)
    assert "status" not in form.base_fields
    assert "status" in entry_admin.get_readonly_fields(as_request(admin_user), entry)


def test_an_entry_status_is_not_reverted_through_its_history(admin_user, client, open_competition):
    open_competition.status = "verification"
    open_competition.save()
    entry = EntryFactory(competition=open_competition, status=EntryStatus.PROPOSED)
    proposed = entry.history.latest()
    entry_verify(entry=entry, by=make_user("kec", Role.PANITIA))
    client.force_login(admin_user)
    revert = reverse(
        "admin:competitions_entry_simple_history", args=[entry.pk, proposed.history_id]
    )
    assert client.post(revert, {"kk_count": entry.kk_count}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED


def test_a_staff_juror_sees_only_its_own_sheets_and_scores(open_competition):
    build_season(open_competition, plans=PLANS[:2])
    juror = ScoreSheet.objects.first().juror
    juror.is_staff = True
    juror.save()
    request = as_request(juror)
    sheets = admin.site._registry[ScoreSheet].get_queryset(request)
    scores = admin.site._registry[Score].get_queryset(request)
    assert set(sheets.values_list("juror", flat=True)) == {juror.pk}
    assert ScoreSheet.objects.exclude(juror=juror).exists()
    assert set(scores.values_list("sheet__juror", flat=True)) == {juror.pk}
    assert scores.count() == Score.objects.filter(sheet__juror=juror).count() > 0
