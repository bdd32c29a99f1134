"""The severity pages at city scale (issues 12 and 19): server time, HTML and queries.

    .venv/bin/python benchmarks/bench_severity.py            # 1x (1,650 entries), ~1 min
    .venv/bin/python benchmarks/bench_severity.py --entries 10  # the same pages at 10 entries
    .venv/bin/python benchmarks/bench_severity.py --profile  # also pyinstrument of the plenary

A fresh SQLite file holds a city-scale season in the plenary (benchmarks/citydata.py), with
20 calibration RTs; every team's jurors scored the first of them. Measured as the panitia:
the settings page (bare, filtered, searched, page 2), the panel, the calibration RT's sheet
page, and the plenary with normalisation off and on. Server time is the test client's
request time (median of 3 after a warm-up), as in bench_pages.py, and its CPU time (the
process's, which a loaded machine stretches less).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1650)
    parser.add_argument("--profile", action="store_true", help="pyinstrument of the plenary")
    arguments = parser.parse_args()
    from benchmarks.citydata import fresh_sqlite_url, prepare_schema, setup, sqlite_path

    url = fresh_sqlite_url("bantar-severity-")
    setup(url, settings_module="benchmarks.bench_settings")
    try:
        prepare_schema()
        run(arguments.entries, arguments.profile)
    finally:
        path = sqlite_path(url)
        if path is not None and path.exists():
            path.unlink()


def run(entries: int, profile: bool) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bantar.models import Role, User
    from benchmarks.citydata import build_city
    from competitions.models import Competition, Entry
    from scoring.models import JuryMember, Score, ScoreSheet, SheetStatus
    from scoring.result_cache import result_version_bump

    city = build_city(entries=entries, quiet=True)
    competition = Competition.objects.get(pk=city.competition_id)
    panitia = User.objects.create(username="bench.panitia", role=Role.PANITIA)
    calibration = list(
        Entry.objects.filter(competition=competition).order_by("pk").values_list("pk", flat=True)
    )[: min(20, entries)]
    Entry.objects.filter(pk__in=calibration).update(is_calibration=True)
    first = Entry.objects.select_related("assignment").get(pk=calibration[0])
    indicators = list(
        Score.objects.filter(sheet__entry=first).values_list("indicator_id", flat=True).distinct()
    )
    scores = []
    for member in JuryMember.objects.filter(team__competition=competition).exclude(
        team_id=first.assignment.team_id
    ):
        sheet = ScoreSheet.objects.create(
            entry=first, juror_id=member.user_id, status=SheetStatus.SUBMITTED
        )
        scores += [
            Score(
                sheet=sheet, indicator_id=pk, value=2 + (pk + member.pk) % 3, client_id=uuid.uuid4()
            )
            for pk in indicators
        ]
    Score.objects.bulk_create(scores)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(panitia)
    base = f"/kompetisi/{competition.pk}/pleno/"
    kecamatan = first.rt.kelurahan.kecamatan_id

    def forget() -> None:  # the first request after a write: no kept result table
        cache.clear()
        result_version_bump([competition.pk])

    def timed(label: str, path: str, *, fresh: bool = False) -> None:
        if fresh:
            forget()
        client.get(path)
        timings, cpu = [], []
        for _ in range(RUNS):
            if fresh:
                forget()  # the result cache must not hide the computation
            start, started = time.perf_counter(), time.process_time()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
        if fresh:
            forget()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        print(
            f"| {label} | {statistics.median(timings):.3f} s | {statistics.median(cpu):.3f} s | "
            f"{len(response.content) / 1024:.1f} KB | {len(queries)} |",
            flush=True,
        )

    print(f"{entries} entries, {len(calibration)} calibration RTs")
    print("| page | server time | CPU | HTML | queries |\n|---|---|---|---|---|")
    settings_url = base + "keseragaman/atur/"
    timed("settings", settings_url)
    timed("settings ?kecamatan=", f"{settings_url}?kecamatan={kecamatan}")
    timed("settings ?q=RT+1", f"{settings_url}?q=RT+1")
    timed("settings ?halaman=2", f"{settings_url}?halaman=2")
    timed("panel", base + "keseragaman/")
    timed("calibration RT sheet page", f"/peserta/{first.pk}/lembar-nilai/")
    timed("plenary, normalisation off", base, fresh=True)
    Competition.objects.filter(pk=competition.pk).update(normalise_levels=True)
    result_version_bump([competition.pk])
    timed("plenary, normalisation on", base, fresh=True)
    # The normalised live path's maths, same run: the Fraction reference and the integer path.
    from scoring import normalise, results
    from scoring.result_selectors import results_inputs

    def median(work) -> float:  # CPU seconds: the machine is shared
        timings = []
        for _ in range(RUNS):
            start = time.process_time()
            work()
            timings.append(time.process_time() - start)
        return statistics.median(timings)

    from scoring.result_selectors import live_results, results_rules

    categories = dict(
        Entry.objects.filter(competition=competition).values_list("pk", "category__code")
    )
    for normalised in (False, True):  # the live path itself, whatever a result cache keeps
        Competition.objects.filter(pk=competition.pk).update(normalise_levels=normalised)
        competition.refresh_from_db()
        live_rules = results_rules(competition)
        seconds = median(partial(live_results, competition, live_rules, categories))
        print(f"live_results, normalisation {'on' if normalised else 'off'}: {seconds:.3f} s CPU")
    rules, inputs, _panel, _levels = results_inputs(competition)
    read = median(lambda: results_inputs(competition))
    reference = median(lambda: results.compute(inputs, rules))
    fast = median(lambda: normalise.compute(inputs, rules))
    print(
        f"normalised live path: reading the levels {read:.3f} s; results.compute "
        f"{reference:.3f} s, normalise.compute {fast:.3f} s ({reference / fast:.1f}x)"
    )
    if profile:
        from pyinstrument import Profiler

        forget()
        profiler = Profiler()
        with profiler:
            client.get(base)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
