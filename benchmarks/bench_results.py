"""Results for a whole competition: `result_table` against one hand-written SQL aggregate.

Budgets (DESIGN.md, "Performance budgets"): at city scale (1,650 entries x 3
jurors x 21 indicators) the results take <= 1.5x the time of one SQL aggregate
over the same scores; with 10x the data they take <= 12x the time.

    .venv/bin/python benchmarks/bench_results.py                # SQLite, 1x and 10x, about 3 min
    .venv/bin/python benchmarks/bench_results.py --scales 1     # city scale only, about 30 s
    .venv/bin/python benchmarks/bench_results.py --postgres     # a throwaway PostgreSQL cluster
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bench_results.py

"ours" is `scoring.result_selectors.computed_result_table(competition)` for a
competition in the plenary stage, i.e. the live results every results page and export
starts from when nothing is kept (`result_table` keeps it between requests): one SQL
aggregate per submitted sheet (`live_outcome`; its per-pillar sums packed), the panel
rule in Python, the maths of `scoring.results.compute_totals` in integers, and the rows.
The baseline is one SQL statement through `connection.cursor()` that averages the same
scores per entry and indicator (submitted sheets, non-empty values, this competition) and
fetches every row. Both run in the same process on the same data, interleaved,
after a warm-up; each figure is the median of N runs.

"before" is the path finalisation took until issue 12.10 (and `result_table`
until the first fix): every counted level into Python, Fractions, and an
explanation per row. It is timed on the same data, and its outcome is compared
with ours row by row and field by field; it stays the reference.

Finalisation (`competition_finalise`, budget: <= 2x the live path) is timed
against the live path in the same child, each run rolled back; its frozen rows
are compared with the plenary's, column by column. On PostgreSQL both are also
timed in CPU time with the server's (the backend's, from /proc): the wall clock of
the shared machine counts everyone's work. Rolled back, neither counts the
deferred foreign-key checks a commit runs.

Each scale runs in its own child process with its own fresh database (a new
SQLite file under /tmp, deleted afterwards, or a new database in the
throwaway cluster), so that the 10x figures are not measured next to the 1x data.
With DATABASE_URL both scales go into that database, as two competitions.

Each child also prints where the time goes and its number of SQL queries; at
city scale also the top functions of one cProfile run.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_BUDGET = 1.5
GROWTH_BUDGET = 12.0
FINALISE_BUDGET = 2.0  # issue 12.10: finalising takes <= 2x the live path
RESULT = "RESULT "


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0]
    note = f"; load average {load:.1f}"
    if load > 0.7:
        note += " (other work is running: the figures will be noisy)"
    return f"{os.cpu_count()} CPUs {model}, Python {platform.python_version()}{note}"


def timed(work, runs: int, cpu: list[float] | None = None) -> tuple[float, list[float]]:
    """Wall-clock seconds of each run; `cpu` collects this process's CPU seconds of each."""
    timings = []
    for _ in range(runs):
        gc.collect()
        start, started = time.perf_counter(), time.process_time()
        work()
        timings.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - started)
    return statistics.median(timings), timings


# --- child: one scale, one database ------------------------------------------------


def aggregate_sql() -> str:
    from competitions.models import Entry
    from scoring.models import Score, ScoreSheet

    return (
        f"SELECT sheet.entry_id, score.indicator_id, AVG(score.value) "
        f"FROM {Score._meta.db_table} score "
        f"JOIN {ScoreSheet._meta.db_table} sheet ON sheet.id = score.sheet_id "
        f"JOIN {Entry._meta.db_table} entry ON entry.id = sheet.entry_id "
        f"WHERE entry.competition_id = %s AND sheet.status = %s AND score.value IS NOT NULL "
        f"GROUP BY sheet.entry_id, score.indicator_id"
    )


def _where(filename: str, line: int, name: str) -> str:
    for marker in ("site-packages/", "/lib/python3.", str(ROOT) + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "/lib/python3.":
                filename = filename.split("/", 1)[-1]
            break
    return f"{filename}:{line}({name})" if filename != "~" else name


def profile_top(work, limit: int = 12) -> str:
    """Top functions of one run: by own time, and the app's own functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # (file, line, name) -> (cc, ncalls, tottime, cumtime, callers)
    total = sum(tottime for _cc, _n, tottime, _cum, _callers in entries.values())
    lines = [f"    {'calls':>9}{'own s':>8}{'cum s':>8}  function (profiled run: {total:.2f} s)"]
    by_own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    for (filename, line, name), (_cc, calls, own, cum, _callers) in by_own:
        lines.append(f"    {calls:>9,}{own:>8.3f}{cum:>8.3f}  {_where(filename, line, name)}")
    lines.append("    app functions by cumulative time:")
    app = [
        item
        for item in entries.items()
        if any(f"/{pkg}/" in item[0][0] for pkg in ("scoring", "bantar", "competitions"))
    ]
    for (filename, line, name), (_cc, calls, own, cum, _callers) in sorted(
        app, key=lambda item: item[1][3], reverse=True
    )[:limit]:
        lines.append(f"    {calls:>9,}{own:>8.3f}{cum:>8.3f}  {_where(filename, line, name)}")
    return "\n".join(lines)


def child(scale: float, runs: int, database_url: str | None, profile: bool) -> dict:
    from benchmarks.citydata import setup, sqlite_path

    # As served (DEBUG off) unless asked otherwise: with DEBUG on, Django logs every query
    # and SQLite quotes each parameter for the log by running more queries, which costs
    # finalisation's 16,500-parameter INSERTs ~35 ms of CPU at 1x and the live path nothing.
    os.environ.setdefault("DEBUG", "false")
    url = setup(database_url)
    path = sqlite_path(url)
    try:
        return _child(scale, runs, profile, url)
    finally:
        if path is not None and database_url is None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)


def _child(scale: float, runs: int, profile: bool, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.citydata import build_city, prepare_schema
    from competitions.models import Competition
    from scoring import results
    from scoring.models import SheetStatus
    from scoring.result_selectors import (
        # The live computation, not the table kept between requests (`result_table` answers
        # from `scoring.result_cache` once computed): what a page pays after a write.
        computed_result_table as result_table,
    )
    from scoring.result_selectors import (
        explained_results,
        live_outcome,
        results_inputs,
        results_rules,
    )

    prepare_schema()
    city = build_city(scale=scale, quiet=True)
    print(f"  x{scale:g}: {city.describe()}", flush=True)
    competition = Competition.objects.get(pk=city.competition_id)
    sql = aggregate_sql()

    def ours():
        return result_table(competition)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [competition.pk, SheetStatus.SUBMITTED])
            return cursor.fetchall()

    def reference():
        """The path finalisation takes, and result_table took before: every level, Fractions."""
        rules, inputs, _panel, levels = results_inputs(competition)
        outcome = results.compute(inputs, rules)
        return outcome, explained_results(competition, outcome, rules, levels)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Warm-up: imports, translations, the database's page cache, query plans.
    with CaptureQueriesContext(connection) as queries:
        table = ours()
    aggregate_rows = len(baseline())
    outcome, _explained = reference()
    timings = {"ours": [], "sql": [], "reference": []}
    # CPU time too: on the shared machine the wall clock also counts the other engineers' work.
    cpu: dict[str, list[float]] = {"ours": [], "sql": []}
    for number in range(runs):  # interleaved, so drift hits both alike
        timings["sql"] += timed(baseline, 1, cpu["sql"])[1]
        timings["ours"] += timed(ours, 1, cpu["ours"])[1]
        if number < max(1, runs // 2):  # slow: fewer runs
            timings["reference"] += timed(reference, 1)[1]
    figures = {
        "scale": scale,
        "entries": city.entries,
        "scores": city.scores,
        "rows": len(table.rows),
        "aggregate_rows": aggregate_rows,
        "ours": statistics.median(timings["ours"]),
        "sql": statistics.median(timings["sql"]),
        "reference": statistics.median(timings["reference"]),
        "ours_cpu": statistics.median(cpu["ours"]),
        "sql_cpu": statistics.median(cpu["sql"]),
        "load": os.getloadavg()[0],
        "ours_runs": timings["ours"],
        "sql_runs": timings["sql"],
        "queries": len(queries),
        "vendor": connection.vendor,
        "build_seconds": city.seconds,
        "check": same_outcome(table, outcome, competition),
    }
    # Where the time goes in result_table, step by step.
    categories = {row.entry.pk: row.category for row in table.rows}
    steps = {"sums + maths (live_outcome)": [], "the rest (entries, rows)": []}
    for _ in range(3 if scale < 10 else 1):
        gc.collect()
        start = time.perf_counter()
        live_outcome(competition, results_rules(competition), categories)
        summed = time.perf_counter()
        result_table(competition)
        done = time.perf_counter()
        steps["sums + maths (live_outcome)"].append(summed - start)
        steps["the rest (entries, rows)"].append((done - summed) - (summed - start))
    figures["steps"] = {name: statistics.median(values) for name, values in steps.items()}
    figures.update(finalise_figures(competition, 5 if scale < 10 else 2, ours))
    if profile:
        figures["profile"] = profile_top(ours)
    return figures


def finalise_figures(competition, runs: int, ours) -> dict:
    """`competition_finalise` against the live path, each run rolled back (same data each time).

    The frozen rows are compared with what the plenary showed, column by column.
    """
    from django.db import transaction

    from scoring.result_services import competition_finalise

    user = _panitia()
    plenary = ours()
    shown = {
        row.entry.pk: _columns(*row.pillars.values(), row.final, row.rank)
        + _columns(row.passed, row.is_winner, row.prize, row.held_back)
        for row in plenary.rows
    }
    seconds, live, check = [], [], ""
    cpu: dict[str, list[float]] = {"live": [], "finalise": []}  # this process's CPU time
    server = server_clock()
    served: dict[str, list[float]] = {"live": [], "finalise": []}  # the backend's CPU time
    for _ in range(runs):
        gc.collect()
        before = server()
        start, started = time.perf_counter(), time.process_time()
        ours()
        live.append(time.perf_counter() - start)
        cpu["live"].append(time.process_time() - started)
        served["live"].append(server() - before)
        with transaction.atomic():
            gc.collect()
            before = server()
            start, started = time.perf_counter(), time.process_time()
            result_set = competition_finalise(competition=competition, by=user)
            seconds.append(time.perf_counter() - start)
            cpu["finalise"].append(time.process_time() - started)
            served["finalise"].append(server() - before)
            frozen = {
                r.entry_id: _columns(
                    *(r.pillar_score(code) for code in plenary.pillars), r.final, r.rank
                )
                + _columns(r.passed, r.is_winner, r.prize, r.held_back)
                for r in result_set.results.all()
            }
            differing = [pk for pk in shown if frozen.get(pk) != shown[pk]]
            check = (
                f"NO: {len(differing)} rows differ"
                if differing or set(frozen) != set(shown)
                else f"yes, {len(frozen):,} rows x 9 columns"
            )
            transaction.set_rollback(True)
        competition.refresh_from_db()
    return {
        "finalise": statistics.median(seconds),
        "finalise_live": statistics.median(live),
        "finalise_check": check,
        # CPU times as means of the runs, ours and the server's alike: the backend's clock
        # ticks are 10 ms, so that a median or a minimum of its runs would be a multiple of
        # 10 ms; one statistic for both, so that their sums compare like with like.
        "finalise_cpu": statistics.mean(cpu["finalise"]),
        "finalise_live_cpu": statistics.mean(cpu["live"]),
        "finalise_server_cpu": statistics.mean(served["finalise"]),
        "finalise_load": os.getloadavg()[0],
        "finalise_live_server_cpu": statistics.mean(served["live"]),
    }


def server_clock():
    """The CPU seconds of this connection's PostgreSQL backend so far (user + system, from
    /proc: the throwaway cluster runs on this machine), or 0 on SQLite or where unreadable.

    On PostgreSQL the wall clock counts the server's work and, on a shared machine, the
    other engineers' too; the server's CPU time beside ours counts only this work."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def clock() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server elsewhere
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    return clock


def _columns(*values) -> tuple:
    return values


def _panitia():
    from bantar.models import Role, User

    user, _created = User.objects.get_or_create(
        username="bench.panitia", defaults={"role": Role.PANITIA}
    )
    return user


def same_outcome(table, outcome, competition) -> str:
    """Every row of result_table against the reference maths, field by field."""
    import dataclasses

    from scoring.panel import jury_panel
    from scoring.result_selectors import live_row, sheet_coverage

    coverage = sheet_coverage(competition, jury_panel(competition))  # the sheets per row
    expected = {r.entry_id: live_row(None, r, outcome, coverage) for r in outcome.results}
    got = {row.entry.pk: dataclasses.replace(row, entry=None) for row in table.rows}
    differing = [pk for pk in expected if got.get(pk) != expected[pk]]
    if differing or set(got) != set(expected) or table.warnings != outcome.warnings:
        return f"NO: {len(differing)} rows differ, e.g. entries {differing[:3]}"
    return f"yes, {len(got):,} rows x 11 fields and the warnings"


# --- parent: one child per scale, then the verdicts ----------------------------------


def run_child(scale: float, runs: int, url: str | None, profile: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(scale), "--runs", str(runs)]
    if url:
        command += ["--database-url", url]
    if profile:
        command.append("--profile")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    figures = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(RESULT):
            figures = json.loads(line[len(RESULT) :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or figures is None:
        raise SystemExit(f"child for scale {scale:g} failed (exit {process.returncode})")
    return figures


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(all_figures: list[dict]) -> bool:
    print()
    print(
        f"  {'scale':<7}{'entries':>8}{'scores':>11}{'ours s':>9}{'SQL s':>8}{'ours/SQL':>10}"
        f"{'queries':>9}   budget (<= {RATIO_BUDGET}x SQL)"
    )
    ok = True
    for f in all_figures:
        ratio = f["ours"] / f["sql"]
        ok = ok and ratio <= RATIO_BUDGET
        print(
            f"  x{f['scale']:<6g}{f['entries']:>8,}{f['scores']:>11,}{f['ours']:>9.3f}{f['sql']:>8.3f}"
            f"{ratio:>9.2f}x{f['queries']:>9}   {verdict(ratio <= RATIO_BUDGET)}"
        )
    for f in all_figures:
        print(
            f"  x{f['scale']:g} the same in CPU time (median): ours {f['ours_cpu']:.3f} s, "
            f"SQL {f['sql_cpu']:.3f} s: {f['ours_cpu'] / f['sql_cpu']:.2f}x "
            f"(load average {f['load']:.1f} at the end of the runs)"
        )
    by_scale = {f["scale"]: f for f in all_figures}
    if 1 in by_scale and 10 in by_scale:
        growth = by_scale[10]["ours"] / by_scale[1]["ours"]
        sql_growth = by_scale[10]["sql"] / by_scale[1]["sql"]
        ok = ok and growth <= GROWTH_BUDGET
        print(
            f"  10x data: ours {growth:.1f}x the time, SQL {sql_growth:.1f}x   "
            f"budget (<= {GROWTH_BUDGET:g}x) {verdict(growth <= GROWTH_BUDGET)}"
        )
        cpu_growth = by_scale[10]["ours_cpu"] / by_scale[1]["ours_cpu"]
        sql_cpu_growth = by_scale[10]["sql_cpu"] / by_scale[1]["sql_cpu"]
        print(f"  10x data in CPU time: ours {cpu_growth:.1f}x, SQL {sql_cpu_growth:.1f}x")
    for f in all_figures:
        ratio = f["finalise"] / f["finalise_live"]
        ok = ok and ratio <= FINALISE_BUDGET
        print(
            f"  x{f['scale']:g} finalisation {f['finalise']:.3f} s against the live path "
            f"{f['finalise_live']:.3f} s: {ratio:.2f}x   budget (<= {FINALISE_BUDGET:g}x) "
            f"{verdict(ratio <= FINALISE_BUDGET)}; frozen = plenary: {f['finalise_check']}"
        )
        print(
            f"  x{f['scale']:g} the same in CPU time (mean of the runs): "
            f"{f['finalise_cpu']:.3f} s against {f['finalise_live_cpu']:.3f} s: "
            f"{f['finalise_cpu'] / f['finalise_live_cpu']:.2f}x "
            f"(load average {f['finalise_load']:.1f} after the runs)"
        )
        if f.get("finalise_live_server_cpu"):
            ours_total = f["finalise_cpu"] + f["finalise_server_cpu"]
            live_total = f["finalise_live_cpu"] + f["finalise_live_server_cpu"]
            print(
                f"  x{f['scale']:g} with the PostgreSQL backend's CPU time (mean of the runs): "
                f"{ours_total / live_total:.2f}x, {ours_total:.3f} s "
                f"(server {f['finalise_server_cpu']:.3f} s) against {live_total:.3f} s "
                f"(server {f['finalise_live_server_cpu']:.3f} s)"
            )
    for f in all_figures:
        print(
            f"  x{f['scale']:g} before (every level, Fractions: the path finalisation took): "
            f"{f['reference']:.3f} s = {f['reference'] / f['sql']:.1f}x SQL, "
            f"{f['reference'] / f['ours']:.1f}x ours; same outcome as ours: {f['check']}"
        )
    return ok


def print_details(f: dict) -> None:
    runs = "median of 3 runs" if f["scale"] < 10 else "one run"
    print(f"\n  x{f['scale']:g} where the time goes in result_table ({f['vendor']}, {runs}):")
    total = sum(f["steps"].values())
    for name, seconds in f["steps"].items():
        print(f"    {name:<26}{seconds:>8.3f} s  {seconds / total:>4.0%}")
    print(
        f"    SQL queries in result_table: {f['queries']}; aggregate rows: {f['aggregate_rows']:,}"
    )
    if "profile" in f:
        print("    cProfile, one result_table run, top functions by own time:")
        print(f["profile"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure at 1x (default 5)")
    parser.add_argument(
        "--runs-10x", type=int, default=3, help="runs per figure at 10x (default 3)"
    )
    parser.add_argument("--scales", default="1,10", help="comma-separated (default 1,10)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway cluster")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        figures = child(
            arguments.child,
            arguments.runs,
            arguments.database_url,
            arguments.profile,
        )
        print(RESULT + json.dumps(figures), flush=True)
        return

    scales = [float(s) for s in arguments.scales.split(",")]
    scales = [int(s) if s.is_integer() else s for s in scales]

    def runs_for(scale):
        return arguments.runs_10x if scale >= 10 else arguments.runs

    def go(url_for) -> list[dict]:
        return [
            run_child(
                scale,
                runs_for(scale),
                url_for(scale),
                profile=scale == 1 and not arguments.no_profile,
            )
            for scale in scales
        ]

    if arguments.postgres:
        from benchmarks.pgcluster import throwaway_cluster

        with throwaway_cluster() as cluster:
            print(
                f"Results, PostgreSQL {cluster.version()} (throwaway cluster, port {cluster.port}); "
                f"{machine()}"
            )
            all_figures = go(lambda s: cluster.create_database(f"city_x{str(s).replace('.', '_')}"))
    elif arguments.database_url:
        print(f"Results, {arguments.database_url.split(':', 1)[0]} (given database); {machine()}")
        all_figures = go(lambda s: arguments.database_url)
    else:
        import sqlite3

        print(f"Results, SQLite {sqlite3.sqlite_version} (fresh file per scale); {machine()}")
        all_figures = go(lambda s: None)
    for f in all_figures:
        print_details(f)
    ok = report(all_figures)
    print(f"\n== bench_results: DESIGN budget {verdict(ok)}")


if __name__ == "__main__":
    main()
