"""No page or export shows a region officer another region's rows (README, "Roles and scope").

Every RT of the access matrix's world gets a kampung name that names it ("Kampung Wilayah
<pk>"). Every page and export that answers a kelurahan or kecamatan officer is then read
back (HTML, CSV, xlsx cells, PDF text) as that officer, as it is and with filters forged
to point at another region (`?kelurahan=`, `?kecamatan=`, a search for another
kelurahan's name), and each RT seen must lie in the officer's region; the names of the
other regions' kelurahan and kecamatan must not show either (the rekap pages count by
name). Each other region's entry answers 404 on the pages of one entry.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bantar.models import User
from competitions.models import RT, Entry, Kecamatan, Kelurahan
from scoring.result_views import PAGES
from tests.factories import EntryFactory, RTFactory
from tests.security.test_access_matrix import MATRIX
from tests.security.test_personal_data import response_text
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db

OFFICERS = ("kelurahan_ekajaya", "kelurahan_beringin", "kecamatan_paalmerah")
MARK = re.compile(r"Kampung Wilayah (\d+)\b")
# The pages of one entry of the officer's region (world.kwargs), asked again for each
# entry outside it: an object outside the region answers 404 (bantar/access.py).
ONE_ENTRY_PAGES = {
    "entry-detail": lambda entry: {"pk": entry.pk},
    "entry-edit": lambda entry: {"pk": entry.pk},
    "explain": lambda entry: {"competition_pk": entry.competition_id, "entry_pk": entry.pk},
    "document-rapor": lambda entry: {
        "competition_pk": entry.competition_id,
        "entry_pk": entry.pk,
    },
}


def _region(world: World, persona: str) -> tuple[set[int], set[int]]:
    """(kelurahan pks, kecamatan pks) of the officer's region."""
    user = world.users[persona]
    assert user is not None
    if user.kelurahan is not None:
        return {user.kelurahan.pk}, {user.kelurahan.kecamatan_id}
    assert user.kecamatan is not None
    kelurahan = set(Kelurahan.objects.filter(kecamatan=user.kecamatan).values_list("pk", flat=True))
    return kelurahan, {user.kecamatan.pk}


def _foreign_names(kelurahan: set[int], kecamatan: set[int]) -> list[str]:
    """Names of the kelurahan and kecamatan outside the region that hold an RT of the world."""
    rts = RT.objects.exclude(kelurahan__in=kelurahan).select_related("kelurahan__kecamatan")
    names = {rt.kelurahan.name for rt in rts}
    names |= {
        rt.kelurahan.kecamatan.name for rt in rts if rt.kelurahan.kecamatan_id not in kecamatan
    }
    mine = set(Kelurahan.objects.filter(pk__in=kelurahan).values_list("name", flat=True))
    mine |= set(Kecamatan.objects.filter(pk__in=kecamatan).values_list("name", flat=True))
    return sorted(names - mine)


# The rekap lists count by kelurahan and kecamatan, no RT: they show an officer its whole
# kecamatan, so a kelurahan officer sees its neighbours' counts there (README, "Filters on
# the winners and rekap pages": the kecamatan choices are the user's region).
REKAPS = {("report", "rekap"), ("report", "kelurahan"), ("document-rekap", None)}


def _is_rekap(name: str, kwargs: dict[str, Any]) -> bool:
    return (name.removesuffix("-export"), kwargs.get("name")) in REKAPS


# The lists, their exports and the pages that count by region: asked again with forged
# filters. The other pages (one entry, a form) are asked as they are.
LISTS = {
    "home",
    "competition-detail",
    "entry-list",
    "entry-export",
    "verification-queue",
    "report",
    "report-export",
    "documents",
    "document-rekap",
    "document-rapor-all",
    "coaching",
    "coaching-export",
}


def _region_urls(world: World) -> list[tuple[str, dict[str, Any]]]:
    """(URL name, kwargs) of every GET page some officer may open, every list and format.

    Public pages (the results, the RT page, the guide: 200 to anonymous visitors) show the
    whole city by design and are left out."""
    urls = [
        (name, world.kwargs.get(name, {}))
        for (name, method), answers in MATRIX.items()
        if method == "GET"
        and answers["anonymous"] != 200
        and any(answers[officer] == 200 for officer in OFFICERS)
    ]
    urls.append(("entry-export", {"export_format": "xlsx"}))
    for competition in (world.published.pk, world.current.pk):
        for name in PAGES:
            urls.append(("report", {"competition_pk": competition, "name": name}))
            for export_format in ("xlsx", "csv"):
                kwargs = {"competition_pk": competition, "name": name}
                urls.append(("report-export", {**kwargs, "export_format": export_format}))
    return urls


def _forged_queries(world: World, kelurahan: set[int], kecamatan: set[int]) -> list[str]:
    """The query strings a curious officer might type: other regions, other competitions."""
    others = (
        Kelurahan.objects.filter(rts__isnull=False)
        .exclude(pk__in=kelurahan)
        .distinct()
        .order_by("pk")
    )
    queries = [""]
    queries += [f"kelurahan={k.pk}" for k in others]
    queries += [f"kecamatan={k.kecamatan_id}" for k in others if k.kecamatan_id not in kecamatan]
    queries += [f"kecamatan={k.kecamatan_id}&kelurahan={k.pk}" for k in others]
    queries += [
        urlencode({"q": k.name}) for k in others[:1]
    ]  # a search for another kelurahan's name
    queries += [f"kompetisi={pk}" for pk in (world.published.pk, world.current.pk)]
    return list(dict.fromkeys(queries))


def _get(client: Client, user: User | None, url: str) -> tuple[int, str]:
    client.raise_request_exception = False  # a 500 is listed with the URL, not raised
    client.logout()
    assert user is not None
    client.force_login(user)
    with transaction.atomic():
        response = client.get(url)
        text = response_text(response) if response.status_code == 200 else ""
        transaction.set_rollback(True)
    return response.status_code, text


def test_no_page_or_export_shows_an_officer_another_region_s_rows(
    client: Client, settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    # A neighbour of Eka Jaya in the same kecamatan: the kecamatan sees it, Eka Jaya does not.
    neighbour: Entry = EntryFactory(  # type: ignore[assignment]
        competition=world.current,
        rt=RTFactory(kelurahan=Kelurahan.objects.get(name="Talang Bakung")),
    )
    for rt in RT.objects.all():
        RT.objects.filter(pk=rt.pk).update(name_kampung=f"Kampung Wilayah {rt.pk}")
        Entry.objects.filter(rt=rt).update(kampung_name=f"Kampung Wilayah {rt.pk}")
    urls = _region_urls(world)
    wrong: list[str] = []
    seen_by: dict[str, set[int]] = {officer: set() for officer in OFFICERS}
    checked = 0
    for officer in OFFICERS:
        kelurahan, kecamatan = _region(world, officer)
        allowed = set(RT.objects.filter(kelurahan__in=kelurahan).values_list("pk", flat=True))
        foreign = _foreign_names(kelurahan, kecamatan)
        assert foreign, "the world needs RTs outside every officer's region"
        in_kecamatan = set(
            Kelurahan.objects.filter(kecamatan__in=kecamatan).values_list("name", flat=True)
        )
        forged = _forged_queries(world, kelurahan, kecamatan)
        for name, kwargs in urls:
            base = reverse(name, kwargs=kwargs)
            # An export takes its page's filters (checked there): plain and one forgery.
            queries = forged if name in LISTS else [""]
            if name not in {"home", "entry-list", "entry-export"}:  # those choose by ?kompetisi=
                queries = [q for q in queries if not q.startswith("kompetisi=")]
            if name.endswith("-export") and name != "entry-export":
                queries = queries[:1] + [q for q in queries if "&" in q][:1]
            for query in queries:
                url = f"{base}?{query}" if query else base
                status, text = _get(client, world.users[officer], url)
                checked += 1
                if status >= 500:
                    wrong.append(f"GET {url} as {officer}: {status}")
                seen = {int(pk) for pk in MARK.findall(text)}
                seen_by[officer] |= seen
                if seen - allowed:
                    wrong.append(f"GET {url} as {officer}: RTs {sorted(seen - allowed)}")
                # A search box shows back what was searched: only the RTs count there.
                names = [n for n in foreign if n not in unquote_plus(query)]
                if _is_rekap(name, kwargs):
                    names = [n for n in names if n not in in_kecamatan]
                shown = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
                if shown:
                    wrong.append(f"GET {url} as {officer}: names {shown}")
    with capsys.disabled():
        print(f"\nregion scope: {checked} (URL, officer) requests read back")
    assert wrong == [], f"{len(wrong)} of {checked} requests:\n" + "\n".join(wrong)
    # Not met by showing nothing: each officer sees the RTs of its own region somewhere.
    for officer in OFFICERS:
        assert seen_by[officer], f"{officer} never sees an RT of its own region"
    assert neighbour.rt_id in seen_by["kecamatan_paalmerah"]


def test_the_pages_of_one_entry_of_another_region_answer_404(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    wrong: list[str] = []
    checked = 0
    for officer in OFFICERS:
        kelurahan, _kecamatan = _region(world, officer)
        others = Entry.objects.exclude(rt__kelurahan__in=kelurahan)
        assert others.exists()
        for entry in others:
            for name, kwargs in ONE_ENTRY_PAGES.items():
                url = reverse(name, kwargs=kwargs(entry))
                status, _text = _get(client, world.users[officer], url)
                checked += 1
                # Never the page. Where the officer reads its own region's (the published
                # results, the entry page), another region's answers 404, as if it did not
                # exist; an action its role may not take (a kecamatan editing) or a stage
                # before publication may refuse with 403 first, whatever the entry.
                readable = entry.competition_id == world.published.pk or name == "entry-detail"
                allowed = {404} if readable and name != "entry-edit" else {403, 404}
                if status not in allowed:
                    wrong.append(f"GET {url} as {officer}: {status}")
    assert checked > 20
    assert wrong == [], "\n".join(wrong)


def _text(html: str) -> str:
    """The page's words, one space apart (a table's cells read as one line)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_officer_moved_to_another_kelurahan_no_longer_sees_the_old_one_s_rows(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    """Pages kept per user (scoring.result_cache: the score matrix's page, the explain page)
    follow the user's region when the admin moves the officer, not only the data's version."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    officer = world.users["kelurahan_ekajaya"]
    assert officer is not None
    matrix = reverse("report", kwargs={"competition_pk": world.published.pk, "name": "matriks"})
    explain = reverse("explain", kwargs=world.kwargs["explain"])  # an Eka Jaya RT
    client.force_login(officer)
    # Read once as Eka Jaya's officer: each page is computed, and kept.
    assert "Eka Jaya RT 01" in _text(client.get(matrix).content.decode())
    assert client.get(explain).status_code == 200
    # The admin moves the account to Beringin (Pasar Jambi).
    officer.kelurahan = Kelurahan.objects.get(name="Beringin")
    officer.full_clean()
    officer.save()
    client.force_login(officer)
    rows = _text(client.get(matrix).content.decode())
    assert "Eka Jaya RT" not in rows, "the matrix kept for the account still shows Eka Jaya"
    assert "Beringin RT 02" in rows, "Beringin's officer sees its own RTs in the matrix"
    assert client.get(explain).status_code == 404


@pytest.mark.parametrize("page", ["laporan/pemenang", "dokumen"])
def test_an_officer_no_longer_superuser_reads_only_its_region_s_kept_rows(
    page: str, client: Client, open_competition: Any, panitia: User, officer_paal_merah: User
) -> None:
    """A superuser is city-wide whatever its role (User.is_city_wide): the key of a kept page
    (result_cache.viewer) names the flag, so revoking it gives the officer its own rows at
    once, as a page computed afresh does, not the city's kept under the old key."""
    from django.core.cache import caches

    from competitions.models import Competition
    from scoring.result_services import competition_finalise, competition_publish
    from tests.scoring.seasons import build_season

    build_season(open_competition)
    competition_finalise(competition=open_competition, by=panitia)
    competition_publish(competition=open_competition, by=panitia)
    url = f"/kompetisi/{Competition.objects.get(pk=open_competition.pk).pk}/{page}/"
    officer = officer_paal_merah
    officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    city = client.get(url).content.decode().count("<tr")
    officer.is_superuser = False
    officer.save()
    client.force_login(officer)
    kept = client.get(url).content.decode().count("<tr")
    caches["results"].clear()
    fresh = client.get(url).content.decode().count("<tr")
    assert fresh < city, "the season has rows outside Paal Merah"
    assert kept == fresh
