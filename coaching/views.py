"""The self-check (public, computes in the browser), the coaching view (officers) and the
re-visit rounds (panitia; the rekap also for the pejabat)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from bantar.access import permission_required, require
from bantar.exports import export_response
from bantar.models import Role, User
from coaching.forms import CoachingPrintForm, ConcludeForm, RevisitForm, WinnerSearchForm
from coaching.models import RevisitRound, Selection, Verdict
from coaching.reports import coaching_report, revisit_report
from coaching.revisits import (
    chosen_winners,
    revisit_conclude,
    revisit_create,
    revisit_earlier_photos,
    revisit_page,
    rt_revisits,
    winner_order,
    winner_search,
)
from coaching.rtpage import rt_page_context
from coaching.selectors import coaching_figures, coaching_page
from coaching.selfcheck import selfcheck_rules
from competitions.models import RT, Entry
from scoring.field_views import field_version
from scoring.models import Evidence
from scoring.public import published_competitions, rt_history
from scoring.streaks import rt_won_years, winning_streak


@require_safe
def selfcheck(request: HttpRequest) -> HttpResponse:
    """Cek mandiri: the page reads, never writes; the answers stay in the visitor's browser."""
    return render(request, "coaching/selfcheck.html", {"rules": selfcheck_rules()})


@cache
def _selfcheck_sw_source() -> str:
    path = finders.find("js/selfcheck-sw.js")
    return Path(cast(str, path)).read_text(encoding="utf-8")


@require_safe
def selfcheck_sw(request: HttpRequest) -> HttpResponse:
    """The self-check's own service worker, for a visitor's browser (static/js/selfcheck-sw.js).

    Its release is the field kit's (a hash of the static files, templates and code): a new
    release makes a new worker, which fetches the page and its files again.
    """
    config = {"version": field_version(), "page": reverse("selfcheck")}
    body = f"var CONFIG = {json.dumps(config)};\n{_selfcheck_sw_source()}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser compares this script byte for byte on every visit: never cached.
    response["Cache-Control"] = "no-cache, no-store, max-age=0"
    return response


# The page's long lists, each paged on its own (?halaman_turun=2): a city has a thousand RTs
# in some of them (issue 19: 297 KB of HTML). On the page each list is counted and paged in
# SQL (`coaching_page`). The print page (?cetak=1) prints the area it is asked for (the
# user's, or one kecamatan or kelurahan of it) in pages of BANTAR_PRINT_ROWS rows a list (a
# kelurahan's RTs fit one: 243 at 10x), with links to the next; the xlsx holds every row.
COACHING_LISTS = {
    "drops": "halaman_turun",
    "won_not_back": "halaman_menang",
    "not_won": "halaman_ikut",
    "never": "halaman_belum",
}


def _list_page(request: HttpRequest, rows: Sequence[object], param: str, size: int) -> Page:
    page = Paginator(rows, size).get_page(request.GET.get(param))
    query = request.GET.copy()

    def href(number: int) -> str:
        query[param] = str(number)
        return "?" + query.urlencode()

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    page.links = [(n, href(n) if isinstance(n, int) else None) for n in numbers]  # type: ignore[attr-defined]
    page.previous_href = href(page.number - 1) if page.has_previous() else None  # type: ignore[attr-defined]
    page.next_href = href(page.number + 1) if page.has_next() else None  # type: ignore[attr-defined]
    return page


def _region_reader(form: CoachingPrintForm) -> User | None:
    """The figures of a kecamatan or kelurahan are what its own officer reads: `coaching_page`
    takes the reader whose region it covers, so a narrowed print reads as that region's
    officer (an unsaved user, never logged in nor saved: only its region is read). None: the
    area was not narrowed, or was refused (the user's own area is printed)."""
    if not form.is_valid():
        return None
    if kelurahan := form.cleaned_data.get("kelurahan"):
        return User(role=Role.KELURAHAN, kelurahan=kelurahan, is_active=True)
    if kecamatan := form.cleaned_data.get("kecamatan"):
        return User(role=Role.KECAMATAN, kecamatan=kecamatan, is_active=True)
    return None


@require_safe
@permission_required("coaching.view")
def coaching(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    printable = request.GET.get("cetak") == "1"
    form = CoachingPrintForm(request.GET, user=user) if printable else None
    reader = (_region_reader(form) if form is not None else None) or user
    figures = coaching_page(reader)
    size = settings.BANTAR_PRINT_ROWS if printable else settings.BANTAR_PAGE_SIZE
    lists = {
        name: _list_page(request, getattr(figures, name), param, size)
        for name, param in COACHING_LISTS.items()
    }
    # The never list by kelurahan (its counts) when it is long; printed by name while it fits.
    never_summary = figures.never_summary
    if printable and len(figures.never) <= size:
        never_summary = None
    context = {
        "figures": figures,
        "printable": printable,
        "print_form": form,
        # A kelurahan officer has nothing to narrow (one query, whatever the area's size).
        "choose_area": form is not None and form.fields["kelurahan"].queryset.count() > 1,  # type: ignore[attr-defined]
        # One kelurahan printed: its name is the heading's, not a column of every row.
        "one_kelurahan": reader.has_role(Role.KELURAHAN) and reader.kelurahan_id is not None,
        "print_rows": size,
        # Some list printed in part (the never list shown as counts is whole).
        "cut": printable
        and any(
            page.has_other_pages()
            for name, page in lists.items()
            if name != "never" or never_summary is None
        ),
        "lists": lists,
        "shown": {name: page.object_list for name, page in lists.items()},
        "never_summary": never_summary,
    }
    return render(request, "coaching/coaching.html", context)


@require_safe
@permission_required("coaching.view")
def coaching_export(request: HttpRequest) -> HttpResponse:
    figures = coaching_figures(cast(User, request.user))
    return export_response(coaching_report(figures), "xlsx")


# --- Re-visits of past winners (issue 16.3) ------------------------------------------------


@require_safe
@permission_required("coaching.revisit_view")
def revisit_list(request: HttpRequest) -> HttpResponse:
    rounds = RevisitRound.objects.select_related("source", "competition").annotate(
        n_rts=Count("competition__entries", distinct=True),
        n_kept=Count("outcomes", filter=Q(outcomes__verdict=Verdict.KEPT), distinct=True),
        n_dropped=Count("outcomes", filter=Q(outcomes__verdict=Verdict.DROPPED), distinct=True),
    )
    sources = published_competitions().exclude(revisit__isnull=False)
    return render(request, "coaching/revisit_list.html", {"rounds": rounds, "sources": sources})


# The new round's page is one form: its search button ("cari", also the Enter key's: the first
# in the form) and its page buttons ("halaman") show it again with what was typed and ticked
# so far, nothing saved; any other submit makes the round.
SEARCHING = ("cari", "halaman")
WINNERS_PAGE = 30


@permission_required("coaching.revisit_manage")
def revisit_new(request: HttpRequest, competition_pk: int) -> HttpResponse:
    source = get_object_or_404(published_competitions(), pk=competition_pk)
    posted = request.POST if request.method == "POST" else None
    ticked = [int(pk) for pk in posted.getlist("rts") if pk.isdigit()] if posted else []
    chosen = chosen_winners(source, ticked)
    creating = posted is not None and not any(name in posted for name in SEARCHING)
    if creating:
        form = RevisitForm(posted, winners=chosen)
    else:  # a search or another page: the same choices, not yet checked
        fields = ("selection", "size", "seed", "threshold")
        typed = {name: posted[name] for name in fields if posted and posted.get(name)}
        form = RevisitForm(initial=typed or None, winners=chosen)
    if creating and form.is_valid():
        data = form.cleaned_data
        hand = data["selection"] == Selection.HAND
        try:
            revisit = revisit_create(
                source=source,
                by=cast(User, request.user),
                size=None if hand else data["size"],
                seed=None if hand else data["seed"],
                rt_ids=data["rts"] if hand else None,
                threshold=data["threshold"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kunjungan ulang dibuat. Bentuk tim dan tugaskan juri."))
            return redirect("revisit-detail", revisit_pk=revisit.pk)
    search = WinnerSearchForm(posted or request.GET or None)
    # A refused field (a kecamatan that is not one) says so beside it; the others still filter.
    search.is_valid()
    terms = getattr(search, "cleaned_data", {})
    found = winner_search(source, text=terms.get("q") or "", kecamatan=terms.get("kecamatan"))
    page = Paginator(found, WINNERS_PAGE).get_page(terms.get("halaman") or 1)
    context = {
        "source": source,
        "winner_count": len(winner_order(source)),  # kept: read once for both
        "page_winners": chosen_winners(source, page.object_list),
        "form": form,
        "chosen": chosen,
        "ticked": {winner.rt.pk for winner in chosen},
        "search": search,
        "page": page,
    }
    return render(request, "coaching/revisit_new.html", context)


def _revisit(revisit_pk: int) -> RevisitRound:
    return get_object_or_404(
        RevisitRound.objects.select_related("source", "competition"), pk=revisit_pk
    )


@require_safe
@permission_required("coaching.revisit_view")
def revisit_detail(request: HttpRequest, revisit_pk: int) -> HttpResponse:
    page = revisit_page(_revisit(revisit_pk))
    form = ConcludeForm(initial={"threshold": page.revisit.threshold})
    return render(request, "coaching/revisit_detail.html", {"page": page, "form": form})


@require_POST
@permission_required("coaching.revisit_manage")
def revisit_conclude_view(request: HttpRequest, revisit_pk: int) -> HttpResponse:
    revisit = _revisit(revisit_pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("threshold", [])))
        return redirect("revisit-detail", revisit_pk=revisit.pk)
    try:
        outcomes = revisit_conclude(
            revisit=revisit, by=cast(User, request.user), threshold=form.cleaned_data["threshold"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Hasil %(count)s RT disimpulkan.") % {"count": len(outcomes)})
    return redirect("revisit-detail", revisit_pk=revisit.pk)


@require_safe
@permission_required("coaching.revisit_view")
def revisit_export(request: HttpRequest, revisit_pk: int) -> HttpResponse:
    return export_response(revisit_report(revisit_page(_revisit(revisit_pk))), "xlsx")


# --- The public RT page (issue 16.4) -----------------------------------------------------
# Here rather than in scoring: it shows the re-visit outcomes, and coaching sits above scoring.


@require_safe
@cache_control(public=True, max_age=300)
def rt_page(request: HttpRequest, rt_pk: int) -> HttpResponse:
    rt = get_object_or_404(RT.objects.select_related("kelurahan__kecamatan"), pk=rt_pk)
    history = rt_history(rt)
    context = {
        "rt": rt,
        "history": history,
        "streak": winning_streak(rt_won_years(rt)),
        "revisits": rt_revisits(rt),
        **rt_page_context(history),
    }
    return render(request, "public/rt.html", context)


# --- The award's photos for the re-visit's juror ------------------------------------------
PHOTO_VARIANTS = {"web": "web", "thumb": "thumb"}


@require_safe
@login_required
def revisit_photo(request: HttpRequest, entry_pk: int, pk: int, variant: str) -> FileResponse:
    """An award photo shown beside a re-visit's: to the jurors of the re-visit's entry (its
    team, by `Entry.objects.for_user`) and the city's readers; never a public media URL."""
    require(cast(User, request.user), "coaching.revisit_photo")
    if variant not in PHOTO_VARIANTS:
        raise Http404
    entry = get_object_or_404(Entry.objects.for_user(cast(User, request.user)), pk=entry_pk)
    earlier = {photo.pk for photo in revisit_earlier_photos([entry]).get(entry.pk, [])}
    if pk not in earlier:
        raise Http404
    photo = get_object_or_404(Evidence, pk=pk)
    response = FileResponse(
        getattr(photo, PHOTO_VARIANTS[variant]).open("rb"), content_type="image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
