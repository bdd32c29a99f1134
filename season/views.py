"""The home page of every role: what the season asks of this person now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bantar.models import Role
from competitions.models import Competition, Entry
from competitions.selectors import (
    current_competition,
    entry_status_counts,
    kecamatan_summary,
    kelurahan_summary,
    rts_for_user,
)
from scoring.selectors import juror_tasks

HOME_TEMPLATES: dict[str, str] = {
    Role.KELURAHAN: "home/kelurahan.html",
    Role.KECAMATAN: "home/kecamatan.html",
    Role.JURI: "home/juri.html",
    Role.PANITIA: "home/panitia.html",
    Role.PEJABAT: "home/pejabat.html",
    Role.ADMIN: "home/admin.html",
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home/public.html")
    user = request.user
    competition = current_competition()
    entries = Entry.objects.for_user(user)
    if competition is not None:
        entries = entries.filter(competition=competition)
    role = Role.ADMIN if user.is_superuser else user.role
    context: dict[str, Any] = {
        "competition": competition,
        "status_counts": entry_status_counts(entries),
        "competitions": Competition.objects.for_user(user),
    }
    if role == Role.KELURAHAN:
        context["rts"] = rts_for_user(user)
        context["entries"] = entries.with_region()
    elif role == Role.JURI:
        context["tasks"] = juror_tasks(user)
    elif role == Role.KECAMATAN:
        context["region_rows"] = kelurahan_summary(user, competition)
    elif role in (Role.PANITIA, Role.PEJABAT, Role.ADMIN):
        context["region_rows"] = kecamatan_summary(user, competition)
    return render(request, HOME_TEMPLATES[role], context)
