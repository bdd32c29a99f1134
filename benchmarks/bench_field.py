"""The jury's field kit: the prepared kit's size, and a day's queue synced over a weak link.

Budgets (DESIGN.md, "Performance budgets"):
- a juror's prepared kit for 10 RTs <= 600 KB over the wire;
- a day's queue (10 sheets x 21 scores and notes, 20 photos of about 400 KB) synced over
  400 kbit/s both ways and 400 ms round trips in <= 1.25x the physical limit (bytes /
  bandwidth + the round trips that cannot be avoided);
- at most one request per 50 score changes.

    .venv/bin/python benchmarks/bench_field.py          # about 4 min on 2 CPUs

How it measures:
1. A fresh SQLite file, the master data, one competition in the field stage with 10
   verified RTs assigned to one team of one juror (benchmarks/citydata.py). Static files
   collected with the production storage (hashed names, gzip copies: WhiteNoise).
2. The portal (DEBUG off, benchmarks/bench_field_settings.py) in this process on
   http://localhost:<port>, behind a WSGI layer that does what the README's nginx does
   with Debian's default `gzip on` (HTML compressed, level 1) and counts every byte that
   crosses the socket: request line, headers and body in, status line, headers and body
   out. Those counts are "the wire".
3. Debian's chromium through Playwright logs in as the juror and opens the list, which
   prepares the kit (the real service worker, static/js/field-sw.js). The kit = every
   request the browser made from opening the list until every RT was ready. Measured at
   the start of the day (no photos), and at the end of the day on a second tablet (a
   fresh browser profile) once every RT has two photos (their thumbnails).
4. The day's queue is put in the outbox with the network off (BantarField.add, as the
   scoring page does): per RT 21 level changes with a note, 2 photos (JPEG, ~400 KB, as the
   browser's downscaling leaves them) and the submission. Then Chromium's network emulation
   (CDP Network.emulateNetworkConditions: 400 kbit/s down and up, 400 ms latency) comes on
   and the clock runs until the outbox is empty.
5. The physical limit from what crossed the wire in that time: the larger of the bytes
   sent and the bytes received, over 50,000 bytes/s, plus two round trips (one to open
   the connection, one for the last answer): nothing can be faster on that link. The
   ratio is the measured time over that limit. "Naive" shows what one request per change
   (the scoring page before the field kit) costs in round trips alone, derived, not run.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Playwright's sync API runs an event loop in this thread; the ORM reads between its calls
# happen outside any request, as in tests/browser/conftest.py.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RTS = 10
SCORES_PER_RT = 21
PHOTOS_PER_RT = 2
PHOTO_BYTES = 400 * 1024
BANDWIDTH = 400_000 // 8  # bytes per second, both ways
LATENCY_MS = 400
UNAVOIDABLE_ROUND_TRIPS = 2
KIT_BUDGET = 600 * 1024
SYNC_BUDGET = 1.25
REQUESTS_PER_50_BUDGET = 1.0
CHROMIUM = os.environ.get("BANTAR_CHROMIUM", "/usr/bin/chromium")
SYNC_DEADLINE = 900  # seconds; a run that has not finished by then is reported as such


@dataclass
class Exchange:
    """One request as it crossed the socket."""

    start: float
    method: str
    path: str
    sent: int  # request line + headers + body, client to server
    received: int  # status line + headers + body, server to client


class Wire:
    """Counts bytes per request and compresses HTML like nginx's `gzip on` (level 1)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.exchanges: list[Exchange] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        started = time.perf_counter()
        request_line = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} HTTP/1.1\r\n"
        headers_in = sum(
            len(key) + len(str(value)) + 2
            for key, value in environ.items()
            if key.startswith("HTTP_") or key in {"CONTENT_TYPE", "CONTENT_LENGTH"}
        )
        body_in = int(environ.get("CONTENT_LENGTH") or 0)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = list(captured["headers"])
        names = {name.lower(): value for name, value in headers}
        accepts = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        if (
            accepts
            and names.get("content-type", "").startswith("text/html")
            and "content-encoding" not in names
            and len(body) >= 20
        ):
            body = gzip.compress(body, compresslevel=1)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(captured["status"], headers)
        out = len(captured["status"]) + 11 + sum(len(n) + len(v) + 4 for n, v in headers)
        with self.lock:
            self.exchanges.append(
                Exchange(
                    started,
                    environ["REQUEST_METHOD"],
                    environ.get("PATH_INFO", ""),
                    len(request_line) + headers_in + 2 + body_in,
                    out + len(body),
                )
            )
        return [body]

    def since(self, mark: int) -> list[Exchange]:
        with self.lock:
            return list(self.exchanges[mark:])

    def mark(self) -> int:
        with self.lock:
            return len(self.exchanges)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(wire: Wire) -> tuple[Any, int]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadedWSGIServer(("localhost", port), Quiet, allow_reuse_address=True)
    server.set_app(wire)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def camera_jpeg(seed: int, target: int = PHOTO_BYTES) -> bytes:
    """A 2048x1536 JPEG with a camera's grain, about `target` bytes, as the tablet uploads."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    size = (2048, 1536)
    ramp = Image.linear_gradient("L").resize(size)
    picture = Image.merge(
        "RGB", (ramp, ramp.transpose(Image.Transpose.ROTATE_90).resize(size), ramp)
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(40):
        x, y = rng.randrange(1800), rng.randrange(1300)
        draw.rectangle((x, y, x + 240, y + 180), fill=tuple(rng.randrange(256) for _ in range(3)))
    grain = Image.merge("RGB", [Image.effect_noise(size, 30) for _ in range(3)])
    photo = Image.blend(picture, grain, 0.12)
    best = b""
    for quality in (40, 50, 60, 70, 80, 88):
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=quality)
        best = buffer.getvalue()
        if len(best) >= target * 0.95:
            break
    return best


def kb(value: float) -> str:
    return f"{value / 1024:,.0f} KB"


def summarise(exchanges: list[Exchange]) -> dict[str, int]:
    groups = {"pages": 0, "static": 0, "thumbnails": 0, "kit list": 0, "app": 0, "other": 0}
    for exchange in exchanges:
        if exchange.path.startswith("/static/"):
            groups["static"] += exchange.received
        elif exchange.path.startswith("/bukti/"):
            groups["thumbnails"] += exchange.received
        elif exchange.path.startswith("/penilaian/kit/"):
            groups["kit list"] += exchange.received
        elif exchange.path.startswith(("/penilaian/", "/panduan/")):
            groups["pages"] += exchange.received
        elif exchange.path in {"/sw.js", "/manifest.webmanifest"}:
            groups["app"] += exchange.received
        else:
            groups["other"] += exchange.received
    return groups


QUEUE = """async ([entries, scores, photos]) => {
  const F = window.BantarField;
  const codes = [];
  for (const p of "BAP") { for (let n = 1; n <= 7; n++) { codes.push(p + n); } }
  let photo = 0;
  for (const entry of entries) {
    for (let n = 0; n < scores; n++) {
      await F.add({kind: "score", entry: entry, entry_label: "RT " + entry, indicator: codes[n],
        value: (entry + n) % 5 + 1,
        note: "Catatan juri untuk " + codes[n] + ": keadaan RT sesuai uraian, foto diambil pagi."});
    }
    for (let n = 0; n < photos.per; n++) {
      const bytes = Uint8Array.from(atob(photos.data[photo++ % photos.data.length]), c => c.charCodeAt(0));
      await F.add({kind: "photo", entry: entry, entry_label: "RT " + entry,
        url: "/penilaian/" + entry + "/foto/", indicator: codes[n], taken_at: null,
        latitude: null, longitude: null, blob: new Blob([bytes], {type: "image/jpeg"})});
    }
    await F.add({kind: "submit", entry: entry, entry_label: "RT " + entry});
  }
  return (await F.waiting()).length;
}"""


def log_in(page: Any, username: str) -> None:
    from benchmarks.citydata import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()


def wait_for(predicate: Callable[[], bool], seconds: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    arguments = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} CPUs", flush=True)
    if load > 1.0:
        print("warning: other work is running; times may be longer than on a quiet machine")

    workdir = Path(tempfile.mkdtemp(prefix="bantar-field-"))
    os.environ["BENCH_FIELD_STATIC_ROOT"] = str(workdir / "static")
    os.environ["BENCH_FIELD_MEDIA_ROOT"] = str(workdir / "media")
    from benchmarks import citydata

    citydata.setup(
        f"sqlite:///{workdir / 'bantar.sqlite3'}", settings_module="benchmarks.bench_field_settings"
    )
    try:
        run(workdir)
    finally:
        if not arguments.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from benchmarks import citydata
    from competitions.models import Entry
    from scoring.models import AppliedChange, Evidence, Score, ScoreSheet

    citydata.prepare_schema()
    call_command("collectstatic", interactive=False, verbosity=0)
    city = citydata.build_city(
        entries=RTS, teams=1, jurors_per_team=1, scored=False, status="assessment", quiet=True
    )
    juror = city.jurors[0]
    print(f"season: {city.describe()}", flush=True)
    photos = [camera_jpeg(seed) for seed in range(RTS * PHOTOS_PER_RT)]
    print(f"photos: {len(photos)} JPEGs 2048x1536, {kb(sum(map(len, photos)) / len(photos))} each")

    wire = Wire(get_wsgi_application())
    server, port = serve(wire)
    base = f"http://localhost:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
            )
            context = browser.new_context(
                base_url=base, locale="id-ID", viewport={"width": 800, "height": 1280}
            )
            page = context.new_page()
            page.set_default_timeout(60_000)
            log_in(page, juror)

            kit_ready = (
                "() => document.querySelector('[data-testid=kit-status]').dataset.state === 'ready'"
            )
            mark = wire.mark()
            page.goto("/penilaian/")
            page.wait_for_function(kit_ready, timeout=120_000)
            state = page.evaluate(
                "BantarField.sw({type: 'status', user: BantarField.user}).then(a => a.state)"
            )
            first_visit = wire.since(mark)
            start_of_day = summarise(first_visit)
            start_bytes = sum(start_of_day.values())
            print(
                f"\nkit, start of the day ({len(state['order'])} RTs, no photos yet): "
                f"{len(first_visit)} requests, {kb(start_bytes)} over the wire "
                f"(stored uncompressed on the tablet: {kb(state['bytes'])})"
            )
            for name, value in start_of_day.items():
                print(f"  {name:11} {kb(value):>9}")

            # The day's queue, made with the network off.
            page.goto("/penilaian/kotak-keluar/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
            ids = list(
                Entry.objects.filter(competition_id=city.competition_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            encoded = [base64.b64encode(photo).decode() for photo in photos]
            queued = page.evaluate(
                QUEUE, [ids, SCORES_PER_RT, {"per": PHOTOS_PER_RT, "data": encoded}]
            )
            score_changes = RTS * SCORES_PER_RT
            print(
                f"\nqueue: {queued} items ({score_changes} level+note changes, "
                f"{RTS * PHOTOS_PER_RT} photos, {RTS} submissions)",
                flush=True,
            )

            mark = wire.mark()
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": LATENCY_MS,
                    "downloadThroughput": BANDWIDTH,
                    "uploadThroughput": BANDWIDTH,
                },
            )
            start = time.perf_counter()
            done = wait_for(
                lambda: page.evaluate("BantarField.waiting().then(items => items.length)") == 0,
                SYNC_DEADLINE,
            )
            seconds = time.perf_counter() - start
            exchanges = wire.since(mark)
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
            refused = page.evaluate(
                "BantarField.mine().then(items => items.filter(i => i.state === 'refused').length)"
            )

            sent = sum(e.sent for e in exchanges)
            received = sum(e.received for e in exchanges)
            limit = max(sent, received) / BANDWIDTH + UNAVOIDABLE_ROUND_TRIPS * LATENCY_MS / 1000
            batches = [e for e in exchanges if e.path == "/penilaian/sinkron/"]
            uploads = [e for e in exchanges if e.path.endswith("/foto/")]
            per_50 = len(batches) / (score_changes / 50)
            naive = (score_changes + RTS + len(photos)) * LATENCY_MS / 1000
            print(
                f"\nsync over {BANDWIDTH * 8 // 1000} kbit/s both ways, {LATENCY_MS} ms round trips:"
            )
            print(
                f"  {'finished' if done else 'NOT FINISHED'} in {seconds:.1f} s; refused: {refused}"
            )
            print(
                f"  wire: {len(exchanges)} requests ({len(batches)} batches, {len(uploads)} photo uploads, "
                f"{len(exchanges) - len(batches) - len(uploads)} other), "
                f"{kb(sent)} sent, {kb(received)} received"
            )
            print(
                f"  physical limit: {max(sent, received):,} B / {BANDWIDTH:,} B/s + "
                f"{UNAVOIDABLE_ROUND_TRIPS} x {LATENCY_MS} ms = {limit:.1f} s"
            )
            print(f"  ratio: {seconds / limit:.2f}x the limit (budget <= {SYNC_BUDGET}x)")
            print(
                f"  requests per 50 score changes: {per_50:.2f} (budget <= {REQUESTS_PER_50_BUDGET:g})"
            )
            print(f"  naive (one request per change, round trips alone, derived): {naive:.0f} s")

            applied = {
                "scores": Score.history.count(),
                "photos": Evidence.objects.count(),
                "submitted": ScoreSheet.objects.filter(status="submitted").count(),
                "submit records": AppliedChange.objects.filter(kind="submit").count(),
            }
            print(f"  on the server: {applied}")
            exactly_once = applied == {
                "scores": score_changes,
                "photos": len(photos),
                "submitted": RTS,
                "submit records": RTS,
            }

            # The end of the day, on a second tablet: the whole kit again, now with two
            # photos per RT, whose thumbnails the pages show.
            other = browser.new_context(
                base_url=base, locale="id-ID", viewport={"width": 800, "height": 1280}
            )
            second = other.new_page()
            second.set_default_timeout(60_000)
            log_in(second, juror)
            mark = wire.mark()
            second.goto("/penilaian/")
            second.wait_for_function(kit_ready, timeout=120_000)
            end_of_day = summarise(wire.since(mark))
            end_bytes = sum(end_of_day.values())
            print(
                f"\nkit, end of the day on a second tablet ({len(photos)} thumbnails): {kb(end_bytes)}"
            )
            for name, value in end_of_day.items():
                print(f"  {name:11} {kb(value):>9}")
            browser.close()
    finally:
        server.shutdown()

    print()
    verdict = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    print(
        f"== bench_field.py, kit for {RTS} RTs: {kb(start_bytes)} (budget {kb(KIT_BUDGET)}): "
        f"{verdict(start_bytes <= KIT_BUDGET)}; at the end of the day, with {len(photos)} "
        f"thumbnails, {kb(end_bytes)}: "
        f"{verdict(end_bytes <= KIT_BUDGET)}"
    )
    print(
        f"== bench_field.py, sync: {seconds / limit:.2f}x the physical limit "
        f"({seconds:.1f} s vs {limit:.1f} s, budget {SYNC_BUDGET}x): "
        f"{verdict(done and seconds / limit <= SYNC_BUDGET)}; {per_50:.2f} requests per 50 score "
        f"changes: {verdict(per_50 <= REQUESTS_PER_50_BUDGET)}; exactly once: {verdict(exactly_once)}"
    )


if __name__ == "__main__":
    main()
