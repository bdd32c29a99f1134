"""The coaching view (/pembinaan/) at city scale: server time, HTML size and SQL queries.

Budgets (DESIGN.md, issue 19): <= 0.5 s of server time and <= 300 KB of HTML for every page,
the queries the same for few entries as for many. The view reads every published edition, so
the season here has several (default 3) published competitions of the city's size, each
finalised and published through the services, built once into a SQLite file:

    .venv/bin/python benchmarks/bench_coaching.py --keep /tmp/coaching.sqlite3   # build + measure
    .venv/bin/python benchmarks/bench_coaching.py --reuse /tmp/coaching.sqlite3  # measure again
    .venv/bin/python benchmarks/bench_coaching.py --reuse ... --profile          # pyinstrument

Server time is the test client's request time in the process (middleware, view, template),
the median of 3 runs after a warm-up (and the process's CPU time: SQLite runs in it, and
the machine may be shared); the panitia sees the city, the officers their region. "first" is
the warm-up: the process's first request of that page (what a new worker pays). The page
reads what publication keeps (coaching.kept); --reuse keeps it again first, timed (as a
publication does after its commit), and with --cold forgets the kept view, as after the RT
master data changed: the lists counted in SQL over the kept results.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 3
PAGES = (
    "/pembinaan/",
    "/pembinaan/?halaman_ikut=2",
    "/pembinaan/?cetak=1",
    "/pembinaan/unduh.xlsx",
)


def build(entries: int, editions: int) -> None:
    from django.contrib.auth.hashers import make_password

    from bantar.models import Role, User
    from benchmarks.citydata import build_city
    from competitions.models import Competition, Kelurahan
    from scoring.result_services import competition_finalise, competition_publish

    kelurahan = Kelurahan.objects.order_by("code").first()
    assert kelurahan is not None
    hashed = make_password("bantar-bench-2099")
    panitia = User.objects.create(username="bench.panitia", role=Role.PANITIA, password=hashed)
    User.objects.create(
        username="bench.kecamatan",
        role=Role.KECAMATAN,
        kecamatan=kelurahan.kecamatan,
        password=hashed,
    )
    User.objects.create(
        username="bench.kelurahan", role=Role.KELURAHAN, kelurahan=kelurahan, password=hashed
    )
    for index in range(editions):
        start = time.perf_counter()
        city = build_city(entries=entries, quiet=True, seed=2016 + index)
        competition = Competition.objects.get(pk=city.competition_id)
        competition_finalise(competition=competition, by=panitia)
        competition_publish(competition=Competition.objects.get(pk=competition.pk), by=panitia)
        print(f"edition {index + 1}: {time.perf_counter() - start:.1f} s", file=sys.stderr)


def keep() -> None:
    """What a publication keeps for the page (coaching.kept), timed: a file built before
    publication kept it has it kept here; else it is kept again, as the next one would."""
    from coaching.kept import coaching_keep
    from coaching.models import KeptSums

    for sums in (False, True):
        if sums:  # and with every set's sums too, as after the first publication of a season
            KeptSums.objects.all().delete()
        start, start_cpu = time.perf_counter(), time.process_time()
        coaching_keep()
        print(
            f"kept at publication{' with every set summed' if sums else ''}: "
            f"{time.perf_counter() - start:.2f} s (CPU {time.process_time() - start_cpu:.2f} s)",
            file=sys.stderr,
        )


def measure(profile: bool) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bantar.models import User
    from competitions.models import Kelurahan

    # The print page of one kelurahan (the officers', 243 RTs at 10x: a lurah's visit list).
    kelurahan = Kelurahan.objects.order_by("code").values_list("pk", flat=True).first()
    pages = (*PAGES, f"/pembinaan/?cetak=1&kelurahan={kelurahan}")
    for username in ("bench.panitia", "bench.kecamatan", "bench.kelurahan"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        for url in pages:
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)  # warm-up; the process's first request of the URL, printed below
            first = (time.perf_counter() - start, time.process_time() - start_cpu)
            timings, cpu = [], []
            for _ in range(RUNS):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            content = b"".join(response) if response.streaming else response.content
            print(
                f"{username:16} {url:24} {response.status_code} "
                f"{statistics.median(timings):6.3f} s (CPU {statistics.median(cpu):5.3f} s) "
                f"{len(content) / 1024:7.1f} KB "
                f"{len(queries):3d} queries; first {first[0]:6.3f} s (CPU {first[1]:5.3f} s)"
            )
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            with profiler:
                client.get(PAGES[0])
            print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1650, help="entries per edition")
    parser.add_argument("--editions", type=int, default=3, help="published editions")
    parser.add_argument("--keep", help="build into this SQLite file and keep it")
    parser.add_argument("--reuse", help="measure an already built SQLite file")
    parser.add_argument("--cold", action="store_true", help="forget the kept sums first")
    parser.add_argument("--profile", action="store_true", help="pyinstrument of each user's page")
    arguments = parser.parse_args()
    from benchmarks.citydata import fresh_sqlite_url, prepare_schema, setup, sqlite_path

    if arguments.reuse:
        setup(f"sqlite:///{arguments.reuse}", settings_module="benchmarks.bench_settings")
    else:
        url = f"sqlite:///{arguments.keep}" if arguments.keep else fresh_sqlite_url("coach-")
        setup(url, settings_module="benchmarks.bench_settings")
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    try:
        if not arguments.reuse:
            prepare_schema()
            build(arguments.entries, arguments.editions)
        else:  # a file built before a migration (coaching 0004: the kept views' tables)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            keep()
        if arguments.cold:  # as after an RT moved: no kept view, the lists counted in SQL
            from coaching.models import KeptView

            KeptView.objects.all().delete()
        measure(arguments.profile)
    finally:
        if not arguments.reuse and not arguments.keep:
            path = sqlite_path(url)
            if path is not None and path.exists():
                path.unlink()


if __name__ == "__main__":
    main()
