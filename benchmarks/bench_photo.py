"""Photos within their memory budget: a 12 MP JPEG, every format at its limit, a 49 MP PNG, four at once.

Budget (DESIGN.md, "Performance budgets"): a 12-megapixel JPEG in <= 0.3 s and
<= 150 MB peak; every image format decoded within 150 MB peak per photo
(BANTAR_PHOTO_MEMORY_MB); concurrent uploads bounded per process
(BANTAR_PHOTO_CONCURRENCY photos at once, so at most that many budgets).

    .venv/bin/python benchmarks/bench_photo.py [--runs 5] [--only jpeg formats png49 concurrent]

Sections:
1. jpeg: `process_photo` against a naive pipeline on a 12 MP JPEG, time (median
   of N runs after one warm-up, in this process) and memory.
2. formats: for each format and pixel mode, the largest 4:3 photo that
   `scoring.images.decode_cost` accepts, made for real and measured: the
   estimate must be an upper bound and the peak within the budget.
3. png49: the issue's 186 KB PNG of 49 megapixels, refused from its header; and
   what it would cost with the check lifted.
4. concurrent: four uploads at once in one process (threads, as in a gthread
   worker), with the default bound, without it, and with a short wait.

Memory is measured in a fresh subprocess per figure: Pillow allocates in C, so
tracemalloc sees nothing. The peak is the kernel's resident high-water mark
after the work minus the resident size just before it, with imports and codecs
already warmed up on a tiny photo so only the per-photo cost counts.

Two traps make plain ru_maxrss wrong here: start-up (Django, numpy, scipy)
peaks higher than one photo does, and on Linux a child inherits its parent's
high-water mark through exec, so ru_maxrss would report this (big) parent.
The child therefore resets the mark (/proc/self/clear_refs, Linux >= 4.0) and
reads it back as VmHWM; where either is unavailable it falls back to
ru_maxrss and marks the figure as an upper bound.

The photo pipeline reads settings and nothing else, so Django is configured
with the project's settings (bantar.settings, environment included) but no
apps: a child starts in a second and measures only the photo.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402


def configure_django() -> None:
    from bantar import settings as project

    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    values.update(INSTALLED_APPS=[], MIDDLEWARE=[])
    settings.configure(**values)
    django.setup()


configure_django()

import pillow_heif  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from PIL import Image, ImageDraw, ImageOps  # noqa: E402

from scoring.images import (  # noqa: E402
    decode_cost,
    largest_accepted,
    process_photo,
    read_header,
)

BUDGET_SECONDS = 0.3
BUDGET_MB = 150
SIZE = (4000, 3000)
# Portrait photos are stored landscape with orientation 6: the case that makes
# a naive pipeline turn 12 megapixels around before it shrinks them.
INPUTS = {"landscape (orientation 1)": 1, "portrait (orientation 6)": 6}
# label -> (Pillow format, mode, save options); one row per way of decoding.
FORMATS: dict[str, tuple[str, str, dict[str, object]]] = {
    "JPEG baseline 4:2:0": ("JPEG", "RGB", {"quality": 90}),
    "JPEG progressive 4:2:0": ("JPEG", "RGB", {"quality": 90, "progressive": True}),
    "JPEG progressive 4:4:4": (
        "JPEG",
        "RGB",
        {"quality": 90, "progressive": True, "subsampling": 0},
    ),
    "PNG RGB": ("PNG", "RGB", {}),
    "PNG RGBA": ("PNG", "RGBA", {}),
    "PNG palette": ("PNG", "P", {}),
    "PNG grey": ("PNG", "L", {}),
    "PNG 16-bit grey": ("PNG", "I;16", {}),
    "WEBP": ("WEBP", "RGB", {"quality": 80}),
    "HEIC": ("HEIF", "RGB", {"quality": 60}),
}
PNG49 = (7000, 7000)
COPIES = 4


# --- Inputs ------------------------------------------------------------------------


def make_photo(orientation: int) -> bytes:
    """A camera-like 12-megapixel JPEG: gradients, shapes and per-pixel grain, a few MB."""
    width, height = SIZE
    ramp = Image.linear_gradient("L").resize(SIZE)
    glow = Image.radial_gradient("L").resize(SIZE)
    picture = Image.merge("RGB", (ramp, glow, ramp.transpose(Image.Transpose.ROTATE_180)))
    draw = ImageDraw.Draw(picture)
    for index in range(12):
        left, top = (index * 331) % (width - 900), (index * 547) % (height - 700)
        colour = ((index * 67) % 256, (index * 131) % 256, (index * 29) % 256)
        draw.rectangle((left, top, left + 900, top + 700), fill=colour)
    grain = Image.merge("RGB", [Image.effect_noise(SIZE, 40) for _ in range(3)])
    photo = Image.blend(picture, grain, 0.18)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8769] = {0x9003: "2024:08:17 09:30:00"}
    exif[0x8825] = {1: "S", 2: (1.0, 36.0, 36.36), 3: "E", 4: (103.0, 36.0, 47.16)}
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def picture(mode: str, size: tuple[int, int]) -> Image.Image:
    """Smooth gradients in the given mode: cheap to make at any size, and compresses as a
    screenshot or a scanned page does (the decoded size is what counts, not the file's)."""
    ramp = Image.linear_gradient("L").resize(size)
    glow = Image.radial_gradient("L").resize(size)
    colour = Image.merge("RGB", (ramp, glow, ramp.transpose(Image.Transpose.ROTATE_180)))
    if mode == "RGBA":
        colour.putalpha(glow)
        return colour
    if mode == "P":
        return colour.quantize(64)
    if mode == "L":
        return ramp
    if mode == "I;16":
        return ramp.convert("I").point(lambda value: value * 256).convert("I;16")
    return colour


def encode(format: str, image: Image.Image, options: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    if format == "HEIF":
        pillow_heif.from_pillow(image).save(buffer, format="HEIF", **options)
    else:
        image.save(buffer, format=format, **options)
    return buffer.getvalue()


def png49() -> bytes:
    """7000x7000 RGB, about 190 KB: the issue's PNG (a flat picture compresses 1000:1)."""
    image = Image.new("RGB", PNG49, (200, 210, 190))
    ImageDraw.Draw(image).rectangle((1000, 1000, 6000, 6000), fill=(30, 90, 160))
    return encode("PNG", image, {"compress_level": 9})


# --- Pipelines -----------------------------------------------------------------------


def ours(data: bytes) -> None:
    process_photo(data)


def naive(data: bytes) -> None:
    """What one writes first: decode everything, turn it, shrink the full image three times."""
    image = Image.open(io.BytesIO(data))
    image.load()
    image = ImageOps.exif_transpose(image).convert("RGB")
    for edge in (
        settings.BANTAR_PHOTO_MAX_EDGE,
        settings.BANTAR_PHOTO_WEB_EDGE,
        settings.BANTAR_PHOTO_THUMB_EDGE,
    ):
        ratio = min(1, edge / max(image.size))
        size = (round(image.width * ratio), round(image.height * ratio))
        copy = image.resize(size, Image.Resampling.LANCZOS)
        copy.save(io.BytesIO(), format="JPEG", quality=settings.BANTAR_PHOTO_JPEG_QUALITY)


VARIANTS: dict[str, Callable[[bytes], None]] = {"ours": ours, "naive": naive}


def median_seconds(work: Callable[[bytes], None], data: bytes, runs: int) -> float:
    work(data)  # warm-up: lazy imports (scipy for phash), codec tables
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work(data)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


# --- Memory, measured in a child process ------------------------------------------------


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def high_water_mb() -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def reset_peak() -> bool:
    """Forget the start-up peak so the high-water mark measures the photo alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def outcome(work: Callable[[bytes], None], data: bytes) -> str:
    try:
        work(data)
    except ValidationError as error:
        return str(error.code)
    return "ok"


def peak_here(variant: str, path: str, copies: int) -> dict[str, object]:
    """Run `copies` uploads at once in this (fresh) process; the peak above the size before."""
    work = VARIANTS[variant]
    tiny = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(tiny, format="JPEG")
    work(tiny.getvalue())  # load every import and codec before the baseline
    data = Path(path).read_bytes()
    results: list[str] = []
    start = threading.Barrier(copies)

    def upload() -> None:
        start.wait()
        results.append(outcome(work, data))

    exact = reset_peak()
    before = resident_mb()
    threads = [threading.Thread(target=upload) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    high_water = high_water_mb() if exact else None
    if high_water is None:
        exact = False
        high_water = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_mb": high_water - before, "exact": exact, "outcomes": sorted(results)}


def measure(
    path: Path, *, variant: str = "ours", copies: int = 1, env: dict[str, str] | None = None
) -> dict:
    """The peak (MB) and outcomes of uploading the file `copies` times at once, in a child."""
    command = [sys.executable, __file__, "--child", variant, str(path), str(copies)]
    child_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=600, env=child_env
    )
    return json.loads(result.stdout)


# --- Report ---------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def machine() -> str:
    model = ""
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs {model}, Python {platform.python_version()}, Pillow {Image.__version__}"


def bench_jpeg(label: str, orientation: int, runs: int, folder: Path) -> bool:
    data = make_photo(orientation)
    path = folder / f"photo-{orientation}.jpg"
    path.write_bytes(data)
    figures, exact_everywhere = {}, True
    for variant, work in VARIANTS.items():
        child = measure(path, variant=variant)
        figures[variant] = (median_seconds(work, data, runs), child["peak_mb"])
        exact_everywhere = exact_everywhere and child["exact"]
    print(f"\n{label}: {SIZE[0]}x{SIZE[1]}, {len(data) / 1024 / 1024:.1f} MB")
    print(
        f"  {'variant':<12}{'median s':>10}{'peak MB':>10}   budget (<= {BUDGET_SECONDS} s, <= {BUDGET_MB} MB)"
    )
    for variant, (seconds, megabytes) in figures.items():
        met = seconds <= BUDGET_SECONDS and megabytes <= BUDGET_MB
        print(f"  {variant:<12}{seconds:>10.3f}{megabytes:>10.0f}   {verdict(met)}")
    if not exact_everywhere:
        print("  (peak MB is an upper bound: this kernel would not reset the high-water mark)")
    (naive_s, naive_mb), (ours_s, ours_mb) = figures["naive"], figures["ours"]
    print(f"  {'naive/ours':<12}{naive_s / ours_s:>9.1f}x{naive_mb / max(ours_mb, 1):>9.1f}x")
    return figures["ours"][0] <= BUDGET_SECONDS and figures["ours"][1] <= BUDGET_MB


def header_of(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return read_header(image, data)


def bench_formats(folder: Path) -> bool:
    """Each format at the largest 4:3 size the estimate accepts: real peak <= estimate <= budget."""
    print(f"\nEvery format at its largest accepted size (4:3), budget {BUDGET_MB} MB per photo")
    print(f"  {'format':<24}{'size':>12}{'MP':>6}{'file MB':>9}{'estimate':>10}{'peak MB':>9}")
    all_met = True
    for label, (format, mode, options) in FORMATS.items():
        sample = encode(format, picture(mode, (64, 48)), options)
        size = largest_accepted(header_of(sample))
        data = encode(format, picture(mode, size), options)
        path = folder / f"limit-{format}-{mode.replace(';', '')}.bin"
        path.write_bytes(data)
        estimate = decode_cost(header_of(data)) / 1024 / 1024
        child = measure(path)
        accepted = child["outcomes"] == ["ok"]
        met = accepted and child["peak_mb"] <= min(estimate, BUDGET_MB)
        all_met = all_met and met
        print(
            f"  {label:<24}{size[0]:>6}x{size[1]:<5}{size[0] * size[1] / 1e6:>6.1f}"
            f"{len(data) / 1024 / 1024:>9.2f}{estimate:>10.0f}{child['peak_mb']:>9.0f}   "
            f"{verdict(met)}{'' if accepted else ' (' + ', '.join(child['outcomes']) + ')'}"
        )
    print(
        f"  (the pixel cap BANTAR_PHOTO_MAX_PIXELS = {settings.BANTAR_PHOTO_MAX_PIXELS / 1e6:.0f} MP "
        "bounds the rows that memory alone would not)"
    )
    return all_met


def bench_png49(folder: Path) -> bool:
    data = png49()
    path = folder / "png49.png"
    path.write_bytes(data)
    refused = measure(path)
    lifted = measure(path, env={"BANTAR_PHOTO_MEMORY_MB": "100000"})
    print(
        f"\nA {PNG49[0]}x{PNG49[1]} PNG ({PNG49[0] * PNG49[1] / 1e6:.0f} MP) of {len(data) / 1024:.0f} KB"
    )
    print(f"  {'':<34}{'outcome':>22}{'peak MB':>9}   budget (<= {BUDGET_MB} MB)")
    met = refused["outcomes"] == ["photo_too_many_pixels"] and refused["peak_mb"] <= BUDGET_MB
    print(
        f"  {'as configured':<34}{refused['outcomes'][0]:>22}{refused['peak_mb']:>9.0f}   {verdict(met)}"
    )
    print(
        f"  {'memory check lifted':<34}{lifted['outcomes'][0]:>22}{lifted['peak_mb']:>9.0f}"
        f"   {verdict(lifted['peak_mb'] <= BUDGET_MB)} (why it is refused)"
    )
    return met


def bench_concurrent(folder: Path) -> bool:
    """Four uploads at once in one process: the bound keeps the sum to CONCURRENCY budgets."""
    bound = settings.BANTAR_PHOTO_CONCURRENCY
    sample = encode("PNG", picture("RGB", (64, 48)), {})
    size = largest_accepted(header_of(sample))
    largest = folder / "largest.png"
    largest.write_bytes(encode("PNG", picture("RGB", size), {}))
    bomb = folder / "png49.png"
    if not bomb.exists():
        bomb.write_bytes(png49())
    cases = [
        (f"49 MP PNG, bound {bound}", bomb, {}, bound),
        (f"{size[0]}x{size[1]} PNG, bound {bound}", largest, {}, bound),
        # glibc gives each thread its own arena; two arenas cap what freed memory strands.
        (
            f"{size[0]}x{size[1]} PNG, bound {bound}, MALLOC_ARENA_MAX=2",
            largest,
            {"MALLOC_ARENA_MAX": "2"},
            bound,
        ),
        (
            f"{size[0]}x{size[1]} PNG, bound {bound}, wait 0.05 s",
            largest,
            {"BANTAR_PHOTO_WAIT_SECONDS": "0.05"},
            bound,
        ),
        (
            f"{size[0]}x{size[1]} PNG, no bound (4)",
            largest,
            {"BANTAR_PHOTO_CONCURRENCY": str(COPIES)},
            COPIES,
        ),
    ]
    print(f"\n{COPIES} uploads at once in one process (threads)")
    print(f"  {'case':<56}{'outcomes':<34}{'peak MB':>8}  budget")
    all_met = True
    for label, path, env, slots in cases:
        child = measure(path, copies=COPIES, env=env)
        counts: dict[str, int] = {}
        for result in child["outcomes"]:
            counts[result] = counts.get(result, 0) + 1
        summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        budget = slots * BUDGET_MB
        met = child["peak_mb"] <= budget
        if slots == bound:
            all_met = all_met and met
        print(
            f"  {label:<56}{summary:<34}{child['peak_mb']:>8.0f}  <= {budget} MB ({slots} x {BUDGET_MB}): "
            f"{verdict(met)}"
        )
    print("  (photo_busy is answered 503; the tablet keeps the photo and sends it again)")
    return all_met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", nargs="+", choices=["jpeg", "formats", "png49", "concurrent"], default=None
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("VARIANT", "PATH", "COPIES"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.child:
        variant, path, copies = arguments.child
        print(json.dumps(peak_here(variant, path, int(copies))))
        return
    sections = arguments.only or ["jpeg", "formats", "png49", "concurrent"]
    print(f"Photo pipeline; {machine()}")
    print(
        f"Settings: BANTAR_PHOTO_MEMORY_MB={settings.BANTAR_PHOTO_MEMORY_MB}, "
        f"BANTAR_PHOTO_CONCURRENCY={settings.BANTAR_PHOTO_CONCURRENCY}, "
        f"BANTAR_PHOTO_WAIT_SECONDS={settings.BANTAR_PHOTO_WAIT_SECONDS}"
    )
    met = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "jpeg" in sections:
            print(f"\n12 MP JPEG, median of {arguments.runs} runs")
            met += [bench_jpeg(label, o, arguments.runs, folder) for label, o in INPUTS.items()]
        if "formats" in sections:
            met.append(bench_formats(folder))
        if "png49" in sections:
            met.append(bench_png49(folder))
        if "concurrent" in sections:
            met.append(bench_concurrent(folder))
    print(f"\nEvery photo budget {'met' if all(met) else 'NOT met'}.")


if __name__ == "__main__":
    main()
