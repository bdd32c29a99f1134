"""Every page of the portal at city scale: server time, HTML size and SQL queries per page.

Budgets (DESIGN.md, "Performance budgets", issue 19): at city scale every HTML page answers
in <= 0.5 s of server time with <= 300 KB of HTML; at 10x the data no page takes more than
2x its city-scale time; the queries of a page are the same for 10 entries as for 1,000.

    .venv/bin/python benchmarks/bench_pages.py               # 10 entries and 1x, about 3 min
    .venv/bin/python benchmarks/bench_pages.py --tenfold     # also 10x (16,500 entries), long
    .venv/bin/python benchmarks/bench_pages.py --documents   # also the big PDFs (minutes each)
    .venv/bin/python benchmarks/bench_pages.py --tenfold --cold --only plenary explain report
        # the ranking pages only, each also cold: the first request after a write, when the
        # kept result tables (scoring.result_cache) are computed again

The URL list comes from the resolver, as in tests/security/test_access_matrix.py: each
named portal URL is requested with GET, with the kwargs of one object of the season (the
access matrix's world idea), as the first persona in ROLES' order that gets a 200 (the role
that uses the page: the verification queue as the kecamatan officer, the juror's pages as
an assigned juror, the lists as the panitia, who sees the most rows). A few pages are also
measured with their filters, as a committee uses them. POST-only URLs (405 on GET) are listed
and not measured.

Each scale runs in its own child process with a fresh SQLite file (deleted afterwards):
a published competition of the same size (last year, for the public pages, reports and
documents) and the current one in the plenary, every entry verified, assigned and scored
(benchmarks/citydata.py). Server time is the test client's request time in the process
(middleware, view, template; no network), the median of 3 runs after a warm-up; the
baseline is the minimal view of benchmarks/bench_urls.py (`ping`) in the same run. Beside the
wall time each page's CPU time (`time.process_time`, the same median; SQLite runs in the
process, so it is the request's work whatever else the shared machine runs) and its growth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_BUDGET = 0.5  # seconds
SIZE_BUDGET = 300 * 1024  # bytes of HTML
GROWTH_BUDGET = 2.0
RUNS = 3
RESULT = "RESULT "
# Who uses a page, in order of preference: the first that may open it is measured.
ROLES = ("panitia", "kecamatan", "kelurahan", "juror", "pejabat", "admin", "anonymous")
# The PDFs of every winner or every RT of the city: minutes of WeasyPrint each at city scale.
HEAVY = {"document-rapor-all", "document-certificates"}
# Pages measured again with the filters a committee uses (name, query). {current}: the
# current competition (the lists' default is the newest, the re-visit round's two RTs, where
# a filter matched a row at one size and none at the other); {kelurahan}: the officers'.
FILTERED = [
    ("entry-list", "kompetisi={current}&status=verified&category=besar"),
    ("entry-list", "kompetisi={current}&q=RT+1"),  # every kelurahan has an RT 1 at 10 too
    ("scoring-teams", "tim=belum"),
    ("verification-queue", "status=proposed"),
    ("verification-queue", "kompetisi={current}"),  # the proposals of the officer's kecamatan
    ("coaching", "cetak=1"),  # the print page of the city: its first printed rows
    ("coaching", "cetak=1&kelurahan={kelurahan}"),  # a kelurahan's print: every RT
    ("report", "category=besar&halaman=2"),  # the score matrix of the plenary
    ("report", "tim=belum"),  # no RT matches: the page of none
    ("documents", "halaman=3"),
]


def _kept(directory: str, entries: int) -> tuple[Path, Path]:
    """The SQLite file and the world's description `--keep` leaves in `directory`."""
    folder = Path(directory)
    return folder / f"pages-{entries}.sqlite3", folder / f"pages-{entries}.json"


def child(
    entries: int, documents: bool, only: list[str], cold: bool, keep: str | None = None
) -> None:
    from benchmarks.citydata import fresh_sqlite_url, prepare_schema, setup, sqlite_path

    database, described = _kept(keep, entries) if keep else (None, None)
    reuse = database is not None and database.exists() and described is not None
    url = f"sqlite:///{database}" if database is not None else fresh_sqlite_url("bantar-pages-")
    setup(url, settings_module="benchmarks.bench_settings")
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s of other roles
    try:
        if reuse:  # the code may have new migrations since the file was kept
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
        else:
            prepare_schema()
        rows = measure(entries, documents, only, cold, described, reuse)
    finally:
        path = sqlite_path(url)
        if keep is None and path is not None and path.exists():
            path.unlink()
    print(RESULT + json.dumps({"entries": entries, "rows": rows}), flush=True)


def _world(entries: int) -> tuple[dict, dict]:
    """Both competitions, the personas and the kwargs of every URL name."""
    from django.contrib.auth.hashers import make_password

    from bantar.models import Role, User
    from benchmarks.citydata import build_city
    from coaching.revisits import revisit_create
    from competitions.models import Competition, Entry, Kelurahan
    from scoring.models import Evidence, JuryMember, Result
    from scoring.result_cache import result_version_bump
    from scoring.result_services import competition_finalise, competition_publish
    from tests.security.url_kwargs import UrlObjects, url_kwargs

    hashed = make_password("bantar-bench-2099")
    kelurahan = Kelurahan.objects.order_by("code").first()
    assert kelurahan is not None

    def user(name: str, role: str, **extra) -> User:
        return User.objects.create(username=name, role=role, password=hashed, **extra)

    users = {
        "panitia": user("bench.panitia", Role.PANITIA),
        "kecamatan": user("bench.kecamatan", Role.KECAMATAN, kecamatan=kelurahan.kecamatan),
        "kelurahan": user("bench.kelurahan", Role.KELURAHAN, kelurahan=kelurahan),
        "pejabat": user("bench.pejabat", Role.PEJABAT),
        "admin": user("bench.admin", Role.ADMIN, is_staff=True, is_superuser=True),
    }
    published_city = build_city(entries=entries, quiet=True, seed=2018)
    published = Competition.objects.get(pk=published_city.competition_id)
    competition_finalise(competition=published, by=users["panitia"])
    competition_publish(competition=published, by=users["panitia"])
    city = build_city(entries=entries, quiet=True)
    current = Competition.objects.get(pk=city.competition_id)
    juror_name, juror_entry_pk = next(iter(city.juror_entry.items()))
    users["juror"] = User.objects.get(username=juror_name)
    # The officers' own RT (the kelurahan officer's region), also some proposals in the queue.
    mine = Entry.objects.filter(competition=current, rt__kelurahan=kelurahan).order_by("pk")
    Entry.objects.filter(pk__in=list(mine.values_list("pk", flat=True)[:3])).update(
        status="proposed"
    )
    # build_city's bulk_create and the update() above bypass the results cache's signals.
    result_version_bump([published.pk, current.pk])
    entry = mine.first()
    assert entry is not None
    winner = Result.objects.filter(entry__competition=published, is_winner=True).first()
    old_entry = winner.entry if winner else Entry.objects.filter(competition=published).first()
    assert old_entry is not None
    evidence = Evidence.objects.first()
    member = JuryMember.objects.filter(team__competition=current).first()
    assert member is not None
    code = ""
    if winner is not None:
        from documents.certificates import certificate_code

        code = certificate_code(winner.pk)
    revisit = revisit_create(  # the stage as published (the object above is from before)
        source=Competition.objects.get(pk=published.pk), by=users["panitia"], size=2, seed=1
    )
    # The arguments of every URL name: one list with the access matrix's world.
    kwargs = url_kwargs(
        UrlObjects(
            current=current.pk,
            published=published.pk,
            entry=entry.pk,
            scored_entry=juror_entry_pk,
            team=member.team_id,
            member=member.pk,
            evidence=evidence.pk if evidence else 1,
            old_entry=old_entry.pk,
            old_rt=old_entry.rt_id,
            certificate_code=code or "bukan-kode",
            revisit=revisit.pk,
        )
    )
    # What a city-scale run measures instead: the xlsx, and the score matrix of the plenary.
    kwargs["entry-export"] = {"export_format": "xlsx"}
    kwargs["report"] = {"competition_pk": current.pk, "name": "matriks"}
    extra = {  # the other reports, as pages of their own
        "report:pemenang": ("report", {"competition_pk": published.pk, "name": "pemenang"}),
        "report:rekap": ("report", {"competition_pk": published.pk, "name": "rekap"}),
        "report:kelurahan": ("report", {"competition_pk": published.pk, "name": "kelurahan"}),
        "report:peserta": ("report", {"competition_pk": current.pk, "name": "peserta"}),
        "report:matriks (published)": (
            "report",
            {"competition_pk": published.pk, "name": "matriks"},
        ),
    }
    return {"users": users, "kwargs": kwargs, "extra": extra}, {"current": current.pk}


def url_names() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names: list[str] = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace != "admin" and pattern.name:
                names.append(pattern.name)

    walk(get_resolver("bantar.urls").url_patterns)
    return sorted(set(names))


def wanted(label: str, only: list[str]) -> bool:
    """`--only`: a page named (its URL name, also with a filter or a ":" variant)."""
    return not only or any(
        label == name or label.startswith((f"{name}?", f"{name}:")) for name in only
    )


def measure(
    entries: int,
    documents: bool,
    only: list[str],
    cold: bool,
    described: Path | None = None,
    reuse: bool = False,
) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from scoring.result_cache import result_version_bump

    if reuse and described is not None:  # --keep, second time: the world built before
        from bantar.models import User

        kept = json.loads(described.read_text())
        world = {**kept, "users": {r: User.objects.get(pk=pk) for r, pk in kept["users"].items()}}
    else:
        world, _ids = _world(entries)
        if described is not None:
            users = {role: user.pk for role, user in world["users"].items()}
            described.write_text(json.dumps({**world, "users": users}))
    clients = {"anonymous": Client(HTTP_HOST="127.0.0.1")}
    for role, user in world["users"].items():
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(user)

    def timed(client: Client, url: str) -> dict:
        first = None
        if cold:  # the first request after a write: every table computed again
            client.get(url)  # the session's once-a-minute activity write, out of the way
            result_version_bump()
            start = time.perf_counter()
            client.get(url)
            first = time.perf_counter() - start
        client.get(url)  # warm-up (and the session's once-a-minute activity write)
        timings, cpu = [], []
        for _ in range(RUNS):
            start, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            # SQLite runs in this process: its CPU time is the request's work, whatever the
            # other processes of a shared machine take of the cores meanwhile.
            cpu.append(time.process_time() - started_cpu)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        content = b"".join(response) if response.streaming else response.content
        return {
            "status": response.status_code,
            "type": response.get("Content-Type", "").split(";")[0],
            "seconds": statistics.median(timings),
            "cpu": statistics.median(cpu),
            "bytes": len(content),
            "queries": len(queries),
            "cold": first,
        }

    rows = [
        {
            "page": "baseline (ping)",
            "role": "anonymous",
            **timed(clients["anonymous"], "/bench/ping/"),
        }
    ]
    targets = [(name, name, world["kwargs"].get(name, {}), "") for name in url_names()]
    targets += [(label, name, kw, "") for label, (name, kw) in world["extra"].items()]
    from competitions.models import Kelurahan

    fill = {  # the kept world's: the current competition, the officers' kelurahan
        "current": world["kwargs"]["report"]["competition_pk"],
        "kelurahan": Kelurahan.objects.order_by("code").values_list("pk", flat=True).first(),
    }
    targets += [
        (f"{name}?{query}", name, world["kwargs"].get(name, {}), query.format(**fill))
        for name, query in FILTERED
    ]
    for label, name, kw, query in targets:
        if name == "bench-ping" or not wanted(label, only):
            continue
        if name in HEAVY and not documents:
            rows.append({"page": label, "skipped": "PDF of the whole city (--documents)"})
            continue
        try:
            url = reverse(name, kwargs=kw)
        except NoReverseMatch:
            rows.append({"page": label, "skipped": "no kwargs"})
            continue
        if query:
            url += "?" + query
        row = None
        for role in ROLES:
            status = clients[role].get(url).status_code
            if status == 405:
                row = {"page": label, "skipped": "POST only"}
                break
            if status == 200:
                row = {"page": label, "role": role, "url": url, **timed(clients[role], url)}
                break
        rows.append(row or {"page": label, "skipped": "no persona gets 200"})
        print(
            f"  {label}: {rows[-1].get('seconds', rows[-1].get('skipped'))}",
            file=sys.stderr,
            flush=True,
        )
    return rows


def run_child(
    entries: int, documents: bool, only: list[str], cold: bool, keep: str | None = None
) -> dict:
    command = [sys.executable, __file__, "--child", str(entries)]
    if keep:
        command += ["--keep", keep]
    if documents:
        command.append("--documents")
    if only:
        command += ["--only", *only]
    if cold:
        command.append("--cold")
    started = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    for line in output.stdout.splitlines():
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT) :])
            result["wall"] = time.perf_counter() - started
            return result
    sys.stderr.write(output.stdout[-3000:] + output.stderr[-6000:])
    raise SystemExit(f"child with {entries} entries failed")


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(ten: float | None, one: float | None) -> float | None:
    return None if ten is None or not one else ten / one


def is_html(row: dict) -> bool:
    return row.get("type") == "text/html"


def verdict(row: dict) -> str:
    if not is_html(row):
        return "(not HTML)"
    problems = []
    if row["seconds"] > TIME_BUDGET:
        problems.append("time")
    if row["bytes"] > SIZE_BUDGET:
        problems.append("size")
    return "met" if not problems else f"NOT MET ({', '.join(problems)})"


def report(small: dict, city: dict, tenfold: dict | None) -> int:
    from benchmarks.bench_results import machine

    print(f"machine: {machine()}")
    by_small = {row["page"]: row for row in small["rows"]}
    by_ten = {row["page"]: row for row in tenfold["rows"]} if tenfold else {}
    header = "| page | role | 1x s | 1x CPU s | 1x KB | queries 1x (10 entries) | budget 1x |"
    if tenfold:
        header += " 10x s | 10x CPU s | 10x / 1x | CPU 10x / 1x | queries 10x | budget 10x |"
    colds = any(row.get("cold") is not None for row in city["rows"])
    if colds:
        header += " cold 1x s |" + (" cold 10x s |" if tenfold else "")
    print(f"\n{city['entries']:,} entries at 1x (built and measured in {city['wall']:.0f} s)")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    failures = 0
    skipped = []
    for row in city["rows"]:
        if "skipped" in row:
            skipped.append(f"{row['page']} ({row['skipped']})")
            continue
        few = by_small.get(row["page"], {})
        queries = f"{row['queries']} ({few.get('queries', '?')})"
        same_queries = few.get("queries") == row["queries"]
        if not same_queries and is_html(row):
            queries += " GROWS"
            failures += 1
        line = (
            f"| {row['page']} | {row['role']} | {row['seconds']:.3f} | {_seconds(row.get('cpu'))} "
            f"| {row['bytes'] / 1024:,.0f} | {queries} | {verdict(row)} |"
        )
        if verdict(row).startswith("NOT"):
            failures += 1
        if tenfold:
            ten = by_ten.get(row["page"])
            if ten and "seconds" in ten:
                growth = ten["seconds"] / row["seconds"] if row["seconds"] else 0
                cpu_growth = _ratio(ten.get("cpu"), row.get("cpu"))
                ok = growth <= GROWTH_BUDGET or not is_html(row)
                # On a shared machine the wall time of one child can double with the load:
                # a page whose CPU time stays within the budget is said so, not counted met.
                within_cpu = cpu_growth is not None and cpu_growth <= GROWTH_BUDGET
                said = "met" if ok else "NOT MET (CPU within 2x)" if within_cpu else "NOT MET"
                failures += 0 if ok else 1
                ten_queries = f"{ten['queries']}"
                if ten["queries"] != row["queries"] and is_html(row):
                    ten_queries += " GROWS"
                    failures += 1
                line += (
                    f" {ten['seconds']:.3f} | {_seconds(ten.get('cpu'))} | {growth:.1f}x "
                    f"| {'-' if cpu_growth is None else f'{cpu_growth:.1f}x'} | {ten_queries} "
                    f"| {said} |"
                )
            else:
                line += " - | - | - | - | - | - |"
        if colds:
            line += f" {_seconds(row.get('cold'))} |"
            if tenfold:
                line += f" {_seconds(by_ten.get(row['page'], {}).get('cold'))} |"
        print(line)
    print("\nnot measured: " + "; ".join(skipped))
    print(f"\n{failures} budget(s) not met")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tenfold", action="store_true", help="also 10x (16,500 entries)")
    parser.add_argument("--documents", action="store_true", help="also the whole-city PDFs")
    parser.add_argument("--entries", type=int, default=1650, help="city scale (default 1,650)")
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="only these URL names (and variants)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="also the first request after a write (no kept tables)"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep each scale's database in DIR (pages-<entries>.sqlite3 + .json) and measure"
        " it again on the next run with the same DIR instead of building it (minutes at 10x)",
    )
    arguments = parser.parse_args()
    options = (arguments.documents, arguments.only, arguments.cold, arguments.keep)
    if arguments.child is not None:
        child(arguments.child, *options)
        return
    small = run_child(10, *options)
    city = run_child(arguments.entries, *options)
    tenfold = run_child(arguments.entries * 10, *options) if arguments.tenfold else None
    report(small, city, tenfold)


if __name__ == "__main__":
    main()
