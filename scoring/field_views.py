"""The jury's field kit: the installable app, its service worker, the day's kit, the outbox page.

A juror prepares the day with a connection: the service worker (`/sw.js`, code in
static/js/field-sw.js) fetches `GET /penilaian/kit/` and caches every page the
list names, per release and per user. The changes made offline wait in the
browser's IndexedDB outbox (static/js/field.js) and go to the batch endpoint
(`scoring.sync_views`) and the photo endpoint. Nothing here writes to the database.

The release (`field_version`) is a hash of what shapes the juror's pages: the
static files, the templates and the portal's Python code, computed once per
process. A new release makes a new service worker, which keeps serving the
previous release's copies until its own kit is complete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from bantar.access import permission_required
from bantar.filters import ERROR_FILTER_VALUE, ERROR_PAGE_NUMBER, FilterProblem, filter_problems
from bantar.language import catalogue_url
from scoring.comparisons import earlier_photos
from scoring.models import Evidence, JuryMember
from scoring.selectors import (
    JurorListFilter,
    JurorListStatus,
    JurorTask,
    juror_task_page,
    juror_tasks,
    list_page_number,
    list_pages,
)

if TYPE_CHECKING:
    from bantar.models import User

APP_NAME = gettext_lazy("BANTAR Juri · Penilaian Kampung")
APP_SHORT_NAME = gettext_lazy("BANTAR Juri")
APP_DESCRIPTION = gettext_lazy(
    "Lembar nilai juri Lomba Kampung BANTAR Kota Jambi, juga tanpa sinyal."
)
THEME_COLOUR = "#146c43"  # --bantar-green in static/css/bantar.css
SW_SOURCE = "js/field-sw.js"
# The static files a juror's pages load. The service worker also caches every
# /static/ file it finds in a page it prepares, so a file added to base.html later is
# not forgotten; this list makes the kit complete even before that.
KIT_STATIC = (
    "bootstrap/css/bootstrap.min.css",
    "css/bantar.css",
    "css/field.css",
    "bootstrap/js/bootstrap.bundle.min.js",
    "js/once.js",
    "js/field.js",
    "js/scoring.js",
    "js/field-list.js",
    "js/field-outbox.js",
    "icons/bantar-192.png",
    "icons/bantar-512.png",
    "icons/apple-touch-icon.png",
)
# What the offline pages made by the service worker say (it has no templates).
SW_TEXTS = {
    "offlineTitle": gettext_lazy("Belum tersedia tanpa koneksi"),
    "offlineBody": gettext_lazy(
        "Halaman ini belum disiapkan di perangkat ini. Buka daftar RT saat ada sinyal "
        "agar semua RT Anda disiapkan."
    ),
    "offlineList": gettext_lazy("Ke daftar RT"),
    "logoutTitle": gettext_lazy("Anda keluar dari perangkat ini"),
    "logoutBody": gettext_lazy(
        "Halaman RT dan data ketua RT sudah dihapus dari perangkat. Tidak ada koneksi, jadi "
        "sesi di server berakhir sendiri (paling lama 12 jam). Perubahan yang belum terkirim "
        "tetap menunggu pemiliknya."
    ),
}


# --- The release ------------------------------------------------------------------------


def _release_files() -> list[Path]:
    """Static files, templates and the portal's own Python code: what a release changes."""
    files: list[Path] = []
    for finder in finders.get_finders():
        for relative, storage in finder.list([]):
            files.append(Path(storage.path(relative)))
    # The translations too: a new English wording is a new release of the pages.
    roots = [Path(settings.BASE_DIR) / "templates", *map(Path, settings.LOCALE_PATHS)]
    base = Path(settings.BASE_DIR).resolve()
    roots += [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
    ]
    for root in roots:
        files += [
            path for path in root.rglob("*") if path.suffix in {".py", ".html", ".txt", ".po"}
        ]
    return sorted(set(files))


@cache
def _content_hash() -> str:
    digest = hashlib.sha256()
    for path in _release_files():
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def field_version() -> str:
    """The release the service worker carries; BANTAR_FIELD_VERSION_SUFFIX lets a test make a new one."""
    return _content_hash() + getattr(settings, "BANTAR_FIELD_VERSION_SUFFIX", "")


@cache
def _sw_source() -> str:
    path = finders.find(SW_SOURCE)
    return Path(cast(str, path)).read_text(encoding="utf-8")


# --- The service worker and the manifest ---------------------------------------------------


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker at the root, so that it controls /penilaian/ and /panduan/."""
    # One language for the script: a juror switching the menu's language must not make
    # the browser install "another release".
    with translation.override(settings.LANGUAGE_CODE):
        config = {
            "version": field_version(),
            "texts": {key: str(text) for key, text in SW_TEXTS.items()},
            "urls": {
                "kit": reverse("field-kit"),
                "list": reverse("juror-home"),
                "logout": reverse("logout"),
            },
        }
    # The pages the worker writes (offline, logged out) say it in every language, one after
    # the other: the worker cannot tell which one the juror reads.
    other: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            with translation.override(code):
                other[code] = {key: str(text) for key, text in SW_TEXTS.items()}
    config["otherTexts"] = other
    body = f"var CONFIG = {json.dumps(config)};\n{_sw_source()}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser compares this script byte for byte on every visit: never cached.
    response["Cache-Control"] = "no-cache, no-store, max-age=0"
    return response


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("icons/bantar-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/bantar-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/bantar-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "name": str(APP_NAME),
        "short_name": str(APP_SHORT_NAME),
        "description": str(APP_DESCRIPTION),
        "lang": "id",
        "start_url": reverse("juror-home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- The kit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KitEntry:
    """One RT the juror scores: its page, the thumbnails on it, when the sheet last changed.

    `list`: the page of the juror's list the RT is on (refreshed with it after a sync)."""

    id: int
    url: str
    label: str
    updated: str
    status: str
    assets: list[str]
    list: str


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def list_page_url(number: int) -> str:
    """A page of the juror's list: page 1 is the list's own address."""
    return reverse("juror-home") if number <= 1 else reverse("juror-home-page", args=[number])


def list_page_count(rows: int) -> int:
    return list_pages(rows, settings.BANTAR_JUROR_PAGE_SIZE)


def kit_entries(user: User) -> list[KitEntry]:
    """The juror's RTs in the list's order, in a fixed number of queries."""
    return _kit(user)[0]


def _kit(user: User) -> tuple[list[KitEntry], int]:
    """The kit's RTs, and how many pages the juror's whole list has."""
    every = juror_tasks(user)
    size = settings.BANTAR_JUROR_PAGE_SIZE
    # The list's pages hold the RTs the juror does not score too (a conflict, a recusal).
    pages = {
        task.entry.pk: list_page_url(list_page_number(index, size))
        for index, task in enumerate(every)
    }
    tasks: list[JurorTask] = [task for task in every if not task.excluded]
    listed = {task.entry.pk for task in tasks}
    photos: dict[int, list[tuple[int, datetime]]] = {}
    # The juror's own photos (the juror index), not an IN list of every RT of the team.
    for entry_id, pk, uploaded in (
        Evidence.objects.filter(juror=user)
        .order_by("pk")
        .values_list("entry_id", "pk", "uploaded_at")
    ):
        if entry_id in listed:
            photos.setdefault(entry_id, []).append((pk, uploaded))
    # A re-visit's award photos, shown beside the juror's own: kept offline too.
    earlier = earlier_photos([task.entry for task in tasks])
    # Two URLs reversed once and filled in per RT: reverse() per row was a third of the kit's
    # time for a team of 2,750 RTs (issue 19).
    page_url = reverse("scoring-page", args=[0]).replace("/0/", "/%d/")
    thumb_url = reverse("evidence-file", args=[0, "thumb"]).replace("/0/", "/%d/")
    rows = []
    for task in tasks:
        entry = task.entry
        own = photos.get(entry.pk, [])
        moments = [
            entry.updated_at,
            entry.assignment.assigned_at,
            task.last_score,
            task.submitted_at,
            *(uploaded for _pk, uploaded in own),
        ]
        rows.append(
            KitEntry(
                id=entry.pk,
                url=page_url % entry.pk,
                label=f"{entry.rt.label} · {entry.rt.kelurahan.name}",
                updated=_iso(max(moment for moment in moments if moment is not None)),
                status=task.sheet_status,
                assets=[thumb_url % pk for pk, _up in own]
                + [photo.thumb_url for photo in earlier.get(entry.pk, [])],
                list=pages[entry.pk],
            )
        )
    return rows, list_page_count(len(every))


def kit_urls(user: User | None = None, list_pages: int = 1) -> list[str]:
    """The pages every juror needs offline, then the static files.

    Every page of the juror's list (`list_pages`), so that each RT is reached from the list
    with no signal (issue 19). With `user`, also the guide of each competition the juror
    scores (issue 14): the plain guide shows the latest published competition's instrument,
    maybe not theirs."""
    lists = [list_page_url(number) for number in range(1, list_pages + 1)]
    pages = [*lists, reverse("guide"), reverse("field-outbox")]
    if user is not None:
        competitions = sorted(
            set(JuryMember.objects.filter(user=user).values_list("team__competition_id", flat=True))
        )
        pages[-1:-1] = [f"{reverse('guide')}?kompetisi={pk}" for pk in competitions]
    # The scripts' strings in every language: a juror may switch the menu's language offline.
    catalogues = [catalogue_url(code) for code, _name in settings.LANGUAGES]
    return pages + [static(path) for path in KIT_STATIC] + catalogues + [reverse("field-manifest")]


@require_safe
@permission_required("scoring.score")
def kit(request: HttpRequest) -> JsonResponse:
    """What the service worker caches for this juror (contract: coord/CONTRACT_FIELD.md).

    `?siapa=1` answers only whose session this is: a tab asks before it sends an outbox
    whose owner it cannot otherwise be sure of (static/js/field.js, `sessionOwner`).
    """
    if "siapa" in request.GET:
        return JsonResponse({"user": request.user.pk, "version": field_version()})
    user = cast("User", request.user)
    entries, list_pages = _kit(user)
    data: dict[str, Any] = {
        "version": field_version(),
        "user": request.user.pk,
        "generated_at": timezone.now().isoformat(),
        # The pages come in the juror's language: another language prepares them again.
        "language": translation.get_language(),
        "entries": [asdict(entry) for entry in entries],
        "urls": kit_urls(user, list_pages),
    }
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response


# --- The juror's list --------------------------------------------------------------------------


class JurorListForm(forms.Form):
    """The list's filters, as a juror narrows the day: a kelurahan, an RT or kampung, what is left."""

    cari = forms.CharField(
        label=gettext_lazy("RT atau kampung"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("mis. 3 atau Durian")}
        ),
    )
    kelurahan = forms.CharField(label=gettext_lazy("Kelurahan"), required=False, max_length=13)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Semua RT")), *JurorListStatus.choices],
    )


def _list_wanted(form: JurorListForm) -> JurorListFilter:
    if not form.is_valid():  # a value it does not know shows nothing (bantar.filters), and says so
        return JurorListFilter(nothing=True)
    data = form.cleaned_data
    return JurorListFilter(kelurahan=data["kelurahan"], search=data["cari"], status=data["status"])


@require_safe
@permission_required("scoring.score")
def juror_list(request: HttpRequest, number: int = 1) -> HttpResponse:
    """The juror's RTs, one page by path (/penilaian/, /penilaian/halaman/<n>/), filters in ?.

    Pages by path because the service worker keeps each page's copy by path (issue 19)."""
    query = request.GET.urlencode()
    if (
        request.resolver_match
        and request.resolver_match.url_name == "juror-home-page"
        and number == 1
    ):
        return redirect(list_page_url(1) + (f"?{query}" if query else ""))
    form = JurorListForm(request.GET or None)
    wanted = _list_wanted(form) if form.is_bound else JurorListFilter()
    size = settings.BANTAR_JUROR_PAGE_SIZE
    page = juror_task_page(cast("User", request.user), wanted=wanted, number=number, size=size)
    problems = filter_problems(form) if form.is_bound else []
    codes = {code for code, _name in page.kelurahan}
    if wanted.kelurahan and wanted.kelurahan not in codes:
        without = request.GET.copy()
        without.pop("kelurahan")
        message = str(ERROR_FILTER_VALUE) % {
            "label": form.fields["kelurahan"].label,
            "value": wanted.kelurahan,
        }
        problems.append(FilterProblem(message, "?" + without.urlencode()))
    suffix = f"?{query}" if query else ""
    numbers = Paginator(range(page.matching), size).get_elided_page_range(
        page.number, on_each_side=1, on_ends=1
    )
    context = {
        "page": page,
        "form": form,
        "wanted": wanted,
        "problems": problems,
        "ignored": (
            str(ERROR_PAGE_NUMBER) % {"value": number, "number": page.number}
            if number != page.number
            else ""
        ),
        "last": page.first + len(page.tasks) - 1,
        "links": [
            # The ellipsis is its own "link": the template shows it as text.
            (item, list_page_url(item) + suffix if isinstance(item, int) else item)
            for item in numbers
        ],
        "previous": list_page_url(page.number - 1) + suffix if page.number > 1 else "",
        "next": list_page_url(page.number + 1) + suffix if page.number < page.pages else "",
    }
    return render(request, "scoring/juror_home.html", context)


# --- The outbox page ---------------------------------------------------------------------------


@require_safe
@permission_required("scoring.score")
def outbox_page(request: HttpRequest) -> HttpResponse:
    """Every change still on this device: the list is read from IndexedDB by field-outbox.js."""
    return render(request, "scoring/field_outbox.html")
