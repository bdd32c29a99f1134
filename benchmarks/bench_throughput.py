"""Jurors saving scores through gunicorn and PostgreSQL, against a minimal Django view.

DESIGN.md sets no throughput figure. Its requirement here is from "Field
use": a change that a tablet sends again is accepted exactly once. The script
measures both:

    .venv/bin/python benchmarks/bench_throughput.py [--seconds 20] [--workers 3]   # about 1 min

1. A throwaway PostgreSQL cluster on a free loopback port (benchmarks/pgcluster.py,
   as .ci/run starts one), stopped and deleted at the end, also on an error.
2. A small season in it (benchmarks/citydata.py): 20 verified entries, 5 jury
   teams x 4 jurors, every entry assigned, the competition in the field
   assessment stage, no sheet yet. Each of the 20 jurors gets its own entry.
3. gunicorn (`bantar.wsgi`, sync workers) on another free loopback port, with
   DJANGO_SETTINGS_MODULE=benchmarks.bench_settings: the portal's settings
   with DEBUG off, ALLOWED_HOSTS 127.0.0.1 and benchmarks.bench_urls (the
   portal's URLs plus /bench/ping/, a view that returns "ok").
4. 20 simulated jurors log in for real (GET the login page, POST the form
   with its CSRF token, keep the cookies), then, in two timed phases at the
   same concurrency (one thread per juror, a new connection per request, as
   gunicorn's sync workers close each one):
   - "score": POST /penilaian/<entry>/nilai/ with {client_id, indicator,
     value, note}, a fresh client_id each time, cycling indicators and values;
   - "minimal view": POST /bench/ping/ with the same body, cookies and CSRF
     header, through the same middleware.
   Requests/s, p50 and p95 latency and errors for both, and their ratio.
5. Replays: some client_ids that got a 200 are sent again, one after the
   other; and a few fresh ones are sent twice at the same moment. Each must
   answer 200 with "applied": false the second time and create no record.
6. In the database: for every juror's sheet, the number of historical score
   records equals the number of distinct client_ids that got a 200, each
   client_id appears once, and every one of them is there.

Only loopback traffic. Every loop is bounded by a deadline; gunicorn and the
cluster are stopped in `finally` blocks (SIGTERM included).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JURORS = 20
TEAMS = 5
MAX_SECONDS = 40  # per phase, so that the whole script stays under 2 minutes
REQUEST_TIMEOUT = 15
SCRIPT_DEADLINE = 115  # seconds: a phase that would start later is skipped
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sent:
    juror: str
    kind: str  # warm-up, score, replay, duplicate, ping
    client_id: str | None
    status: int  # 0: no answer (connection error or timeout)
    applied: bool | None
    seconds: float
    error: str = ""
    payload: dict | None = None


@dataclass
class Juror:
    username: str
    entry: int
    cookies: dict[str, str] = field(default_factory=dict)
    serial: int = 0

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


class Portal:
    """A tiny HTTP client for one gunicorn on 127.0.0.1: one connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, juror: Juror | None, method: str, path: str, body: bytes = b"", headers=None
    ) -> tuple[int, bytes, float, str]:
        headers = dict(headers or {})
        if juror is not None and juror.cookies:
            headers["Cookie"] = juror.header()
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if juror is not None:
                for header in response.headers.get_all("Set-Cookie") or []:
                    cookie = SimpleCookie()
                    cookie.load(header)
                    for name, morsel in cookie.items():
                        juror.cookies[name] = morsel.value
            return response.status, data, time.perf_counter() - start, ""
        except (OSError, http.client.HTTPException) as error:
            return 0, b"", time.perf_counter() - start, f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    def login(self, juror: Juror, password: str) -> None:
        status, page, _s, error = self.request(juror, "GET", "/accounts/login/")
        match = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise RuntimeError(f"{juror.username}: login page {status} {error}")
        form = urlencode(
            {
                "username": juror.username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
            }
        ).encode()
        status, _body, _s, error = self.request(
            juror,
            "POST",
            "/accounts/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in juror.cookies:
            raise RuntimeError(f"{juror.username}: login answered {status} {error}")

    def post_json(self, juror: Juror, path: str, payload: dict) -> tuple[int, bytes, float, str]:
        return self.request(
            juror,
            "POST",
            path,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": juror.cookies.get("csrftoken", "")},
        )


def score_payload(juror: Juror, codes: list[str]) -> dict:
    juror.serial += 1
    return {
        "client_id": str(uuid.uuid4()),
        "indicator": codes[juror.serial % len(codes)],
        "value": juror.serial % 5 + 1,
        "note": "",
    }


def send_score(
    portal: Portal, juror: Juror, payload: dict, kind: str, ledger: list[Sent], lock
) -> Sent:
    status, body, seconds, error = portal.post_json(
        juror, f"/penilaian/{juror.entry}/nilai/", payload
    )
    applied = None
    if status == 200:
        try:
            applied = bool(json.loads(body)["applied"])
        except (ValueError, KeyError):
            error = f"not the expected JSON: {body[:80]!r}"
    elif status and not error:
        error = body[:120].decode("utf-8", "replace")
    sent = Sent(
        juror.username, kind, payload["client_id"], status, applied, seconds, error, payload
    )
    with lock:
        ledger.append(sent)
    return sent


def run_phase(name: str, jurors: list[Juror], seconds: float, work) -> tuple[list[Sent], float]:
    """Every juror in its own thread, sending one request after the other until the deadline."""
    results: list[Sent] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def loop(juror: Juror) -> None:
        while time.perf_counter() < deadline:
            sent = work(juror)
            with lock:
                results.append(sent)

    with ThreadPoolExecutor(max_workers=len(jurors), thread_name_prefix=name) as pool:
        list(pool.map(loop, jurors))
    return results, time.perf_counter() - start


def figures(results: list[Sent], elapsed: float) -> dict:
    latencies = sorted(s.seconds for s in results)
    ok = [s for s in results if s.status == 200]
    return {
        "requests": len(results),
        "ok": len(ok),
        "errors": len(results) - len(ok),
        "rps": len(ok) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan"),
        "elapsed": elapsed,
    }


# --- the database check ---------------------------------------------------------------------


def check_exactly_once(jurors: list[Juror], ledger: list[Sent]) -> tuple[bool, list[str]]:
    from bantar.models import User
    from scoring.models import Score, ScoreSheet

    lines = []
    ok = True
    by_juror: dict[str, list[Sent]] = defaultdict(list)
    for sent in ledger:
        if sent.client_id is not None:
            by_juror[sent.juror].append(sent)
    records_total = accepted_total = 0
    answered_200 = Counter()
    for juror in jurors:
        user = User.objects.get(username=juror.username)
        sheet = ScoreSheet.objects.filter(entry_id=juror.entry, juror=user).first()
        history = list(
            Score.history.filter(sheet_id=sheet.pk).values_list("client_id", flat=True)
            if sheet
            else []
        )
        recorded = Counter(str(client_id) for client_id in history)
        sent = by_juror[juror.username]
        accepted = {s.client_id for s in sent if s.status == 200}
        answered_200[juror.username] = sum(1 for s in sent if s.status == 200)
        unanswered = {s.client_id for s in sent if s.status != 200}
        twice = [cid for cid, count in recorded.items() if count > 1]
        missing = accepted - set(recorded)
        unexpected = set(recorded) - accepted - unanswered
        applied_silently = (set(recorded) & unanswered) - accepted
        records_total += len(history)
        accepted_total += len(accepted)
        if len(history) != len(accepted) or twice or missing or unexpected:
            ok = False
            lines.append(
                f"  {juror.username}: {len(history)} records for {len(accepted)} accepted client_ids "
                f"(twice: {len(twice)}, missing: {len(missing)}, unknown: {len(unexpected)})"
            )
        if applied_silently:
            lines.append(
                f"  {juror.username}: {len(applied_silently)} change(s) arrived although the client "
                f"saw no 200 (a retry would be answered 'applied': false)"
            )
    replays = [s for s in ledger if s.kind in ("replay", "duplicate")]
    firsts = {}
    for sent in ledger:
        if sent.kind == "duplicate" and sent.status == 200:
            firsts.setdefault(sent.client_id, []).append(sent.applied)
    replay_applied = [s for s in ledger if s.kind == "replay" and s.applied]
    duplicate_wrong = [cid for cid, flags in firsts.items() if sorted(flags) != [False, True]]
    if replay_applied or duplicate_wrong:
        ok = False
    lines.insert(
        0,
        f"  {sum(answered_200.values()):,} answers 200 (of which {len(replays)} replays and "
        f"duplicates); {accepted_total:,} distinct client_ids accepted; {records_total:,} "
        f"historical score records on the {len(jurors)} sheets",
    )
    lines.insert(
        1,
        f"  replays sent again after a 200: {sum(1 for s in ledger if s.kind == 'replay')}, "
        f"applied again: {len(replay_applied)}; fresh ids sent twice at once: {len(firsts)}, "
        f"not exactly one applied: {len(duplicate_wrong)}",
    )
    return ok, lines


# --- gunicorn ---------------------------------------------------------------------------------


def start_gunicorn(port: int, workers: int, url: str, log: Path, conn_max_age: str):
    executable = Path(sys.executable).parent / "gunicorn"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "gunicorn"]
    command += [
        "bantar.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        DATABASE_URL=url,
        DB_CONN_MAX_AGE=conn_max_age,
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_gunicorn(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the arbiter stops its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_until_ready(portal: Portal, process, log: Path, timeout: float = 30) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{tail(log)}")
        status, _b, _s, _e = portal.request(None, "GET", "/bench/ping/")
        if status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def juror_client(city, number: int):
    """A test client logged in as the city's juror `number`, and the score URL of a team-mate's
    entry: a sheet outside the exactly-once check (the membership covers the whole team)."""
    from django.test import Client
    from django.urls import reverse

    from bantar.models import User
    from scoring.models import Assignment

    username = city.jurors[number]
    own = city.juror_entry[username]
    team = Assignment.objects.get(entry_id=own).team_id
    other = Assignment.objects.filter(team_id=team).exclude(entry_id=own).first().entry_id
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client, reverse("score-api", kwargs={"entry_pk": other})


def queries_per_request(city, codes: list[str]) -> tuple[int, int]:
    """SQL queries of one score change and of the minimal view, in this process (test client).

    The score goes to a sheet that is not part of the exactly-once check (the
    juror's membership covers every entry of its team).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client, url = juror_client(city, 0)
    counts = []
    for _ in range(2):  # the first one creates the sheet; the second is the usual case
        payload = {"client_id": str(uuid.uuid4()), "indicator": codes[0], "value": 3, "note": ""}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, json.dumps(payload), content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"in-process score change answered {response.status_code}")
        counts.append(len(queries))
    with (
        override_settings(ROOT_URLCONF="benchmarks.bench_urls"),
        CaptureQueriesContext(connection) as queries,
    ):
        client.post("/bench/ping/", "{}", content_type="application/json")
    return counts[-1], len(queries)


def profile_score_changes(city, codes: list[str], count: int = 200) -> str:
    """cProfile of `count` score changes in this process (test client, DEBUG off, same database)."""
    from benchmarks.bench_results import profile_top

    client, url = juror_client(city, 1)

    def work() -> None:
        for number in range(count):
            payload = {
                "client_id": str(uuid.uuid4()),
                "indicator": codes[number % len(codes)],
                "value": number % 5 + 1,
            }
            client.post(url, json.dumps(payload), content_type="application/json")

    work()  # warm-up
    return profile_top(work, limit=14)


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help=f"per phase, <= {MAX_SECONDS}")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (2-4)")
    parser.add_argument("--replays", type=int, default=10)
    parser.add_argument("--duplicates", type=int, default=5)
    parser.add_argument(
        "--profile", action="store_true", help="also profile 200 score changes in-process"
    )
    parser.add_argument(
        "--conn-max-age", default="0", help="DB_CONN_MAX_AGE for gunicorn (portal default 0)"
    )
    arguments = parser.parse_args()
    seconds = max(1.0, min(arguments.seconds, MAX_SECONDS))
    workers = max(1, min(arguments.workers, 8))
    started = time.perf_counter()

    from benchmarks.bench_results import machine
    from benchmarks.citydata import PASSWORD, build_city, prepare_schema, setup
    from benchmarks.pgcluster import free_port, throwaway_cluster

    gunicorn = None
    log_dir = Path(tempfile.mkdtemp(prefix="bantar-bench-gunicorn."))
    log = log_dir / "error.log"
    try:
        with throwaway_cluster() as cluster:
            url = cluster.create_database("throughput")
            setup(url)
            from django.db import connections

            from indicators.models import Indicator

            print(
                f"Throughput, PostgreSQL {cluster.version()} (throwaway cluster, port "
                f"{cluster.port}); {machine()}"
            )
            print(f"  migrate + loaddata: {prepare_schema():.1f} s")
            city = build_city(
                entries=JURORS,
                teams=TEAMS,
                jurors_per_team=JURORS // TEAMS,
                scored=False,
                status="assessment",
                quiet=True,
            )
            codes = list(Indicator.objects.order_by("code").values_list("code", flat=True))
            score_queries, ping_queries = queries_per_request(city, codes)
            connections.close_all()  # the server gets the database to itself

            port = free_port()
            gunicorn = start_gunicorn(port, workers, url, log, arguments.conn_max_age)
            portal = Portal(port)
            wait_until_ready(portal, gunicorn, log)
            print(
                f"  gunicorn bantar.wsgi on 127.0.0.1:{port}: {workers} sync workers, "
                f"DB_CONN_MAX_AGE={arguments.conn_max_age}"
            )

            jurors = [Juror(name, city.juror_entry[name]) for name in city.jurors[:JURORS]]
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(jurors)) as pool:
                list(pool.map(lambda j: portal.login(j, PASSWORD), jurors))
            print(f"  {len(jurors)} jurors logged in: {time.perf_counter() - start:.1f} s")

            ledger: list[Sent] = []
            lock = threading.Lock()
            ping_body = json.dumps(score_payload(Juror("x", 0), codes)).encode()

            def ping(juror: Juror) -> Sent:
                status, _b, took, error = portal.request(
                    juror,
                    "POST",
                    "/bench/ping/",
                    ping_body,
                    {
                        "Content-Type": "application/json",
                        "X-CSRFToken": juror.cookies.get("csrftoken", ""),
                    },
                )
                return Sent(juror.username, "ping", None, status, None, took, error)

            def score(juror: Juror) -> Sent:
                return send_score(portal, juror, score_payload(juror, codes), "score", ledger, lock)

            # Warm-up: every worker imports, compiles templates and connects once.
            for juror in jurors:
                ping(juror)
                send_score(portal, juror, score_payload(juror, codes), "warm-up", ledger, lock)

            phases = {}
            for name, work in (("minimal view", ping), ("score change", score)):
                if time.perf_counter() - started + seconds > SCRIPT_DEADLINE:
                    print(f"  {name}: skipped, the script would run past {SCRIPT_DEADLINE} s")
                    continue
                results, elapsed = run_phase(name, jurors, seconds, work)
                phases[name] = figures(results, elapsed)
                errors = Counter(f"{s.status} {s.error[:60]}" for s in results if s.status != 200)
                if errors:
                    print(f"  {name} errors: {dict(errors.most_common(3))}")

            # Replays: ids that got a 200, sent again one after the other.
            rng = random.Random(7)
            accepted = [s for s in ledger if s.status == 200 and s.kind == "score"]
            by_name = {j.username: j for j in jurors}
            for sent in rng.sample(accepted, min(arguments.replays, len(accepted))):
                juror = by_name[sent.juror]
                send_score(portal, juror, dict(sent.payload), "replay", ledger, lock)
            # Fresh ids sent twice at the same moment (a tablet retrying while the first is in flight).
            for juror in rng.sample(jurors, min(arguments.duplicates, len(jurors))):
                payload = score_payload(juror, codes)
                barrier = threading.Barrier(2)

                def twice(_n: int, juror=juror, payload=payload, barrier=barrier) -> None:
                    barrier.wait(timeout=10)
                    send_score(portal, juror, payload, "duplicate", ledger, lock)

                with ThreadPoolExecutor(max_workers=2) as pool:
                    list(pool.map(twice, range(2)))

            stop_gunicorn(gunicorn)
            gunicorn = None
            report(phases, workers, score_queries, ping_queries)
            ok, lines = check_exactly_once(jurors, ledger)
            print("\n  exactly once, checked in the database:")
            print("\n".join(lines))
            if arguments.profile:
                print("\n  cProfile of 200 score changes in-process (test client, PostgreSQL):")
                print(profile_score_changes(city, codes))
            connections.close_all()
            server_errors = tail(log, 5) if log.exists() and log.stat().st_size else ""
            if server_errors:
                print(f"\n  gunicorn error log (last lines):\n{server_errors}")
    finally:
        stop_gunicorn(gunicorn)
        for path in log_dir.glob("*"):
            path.unlink(missing_ok=True)
        log_dir.rmdir()
    print(
        f"\n== bench_throughput: no DESIGN throughput budget (figures for reference); "
        f"exactly-once requirement {'met' if ok else 'NOT met'}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


def report(phases: dict, workers: int, score_queries: int, ping_queries: int) -> None:
    print(
        f"\n  {'phase (20 jurors at once)':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}"
        f"{'p95 ms':>8}{'errors':>8}"
    )
    for name, f in phases.items():
        print(
            f"  {name:<28}{f['requests']:>9,}{f['rps']:>8.1f}{f['p50']:>8.1f}{f['p95']:>8.1f}"
            f"{f['errors']:>8}"
        )
    if len(phases) == 2:
        ping, score = phases["minimal view"], phases["score change"]
        print(
            f"  score change / minimal view: {score['rps'] / ping['rps']:.2f}x the requests/s, "
            f"{score['p50'] / ping['p50']:.1f}x the p50 latency"
        )
    print(f"  SQL queries per request: score change {score_queries}, minimal view {ping_queries}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as stop:
        print(f"\ninterrupted ({stop or 'Ctrl+C'}); gunicorn and the cluster were stopped")
        sys.exit(130)
