"""A 12-megapixel JPEG to full + web + thumbnail: `process_photo` against a naive pipeline.

Budget (DESIGN.md, "Performance budgets"): <= 0.3 s and <= 150 MB peak per photo.

    .venv/bin/python benchmarks/bench_photo.py [--runs 5]

Both variants run in this process for time (median of N runs after one
warm-up) and each in a fresh subprocess for memory: Pillow allocates in C, so
tracemalloc sees nothing. The peak is the kernel's resident high-water mark
after the work minus the resident size just before it, with imports and
codecs already warmed up on a tiny photo so only the per-photo cost counts.

Two traps make plain ru_maxrss wrong here: start-up (Django, numpy, scipy)
peaks higher than one photo does, and on Linux a child inherits its parent's
high-water mark through exec, so ru_maxrss would report this (big) parent.
The child therefore resets the mark (/proc/self/clear_refs, Linux >= 4.0) and
reads it back as VmHWM; where either is unavailable it falls back to
ru_maxrss and marks the figure as an upper bound.
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
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bantar.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image, ImageDraw, ImageOps  # noqa: E402

from scoring.images import process_photo  # noqa: E402

BUDGET_SECONDS = 0.3
BUDGET_MB = 150
SIZE = (4000, 3000)
# Portrait photos are stored landscape with orientation 6: the case that makes
# a naive pipeline turn 12 megapixels around before it shrinks them.
INPUTS = {"landscape (orientation 1)": 1, "portrait (orientation 6)": 6}


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


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb_here(variant: str, path: str) -> dict[str, float | bool]:
    """Run once in this (fresh) process and return the peak above the resident size before."""
    work = VARIANTS[variant]
    tiny = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(tiny, format="JPEG")
    work(tiny.getvalue())  # load every import and codec before the baseline
    data = Path(path).read_bytes()
    exact = reset_peak()
    before = resident_mb()
    work(data)
    high_water = high_water_mb() if exact else None
    if high_water is None:
        exact = False
        high_water = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_mb": high_water - before, "exact": exact}


def high_water_mb() -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def reset_peak() -> bool:
    """Forget the start-up peak so ru_maxrss measures the photo alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb(variant: str, path: str) -> tuple[float, bool]:
    command = [sys.executable, __file__, "--child", variant, path]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    figures = json.loads(result.stdout)
    return figures["peak_mb"], figures["exact"]


def verdict(seconds: float, megabytes: float) -> str:
    met = seconds <= BUDGET_SECONDS and megabytes <= BUDGET_MB
    return "met" if met else "NOT met"


def machine() -> str:
    model = ""
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs {model}, Python {platform.python_version()}, Pillow {Image.__version__}"


def bench_input(label: str, orientation: int, runs: int, folder: Path) -> None:
    data = make_photo(orientation)
    path = folder / f"photo-{orientation}.jpg"
    path.write_bytes(data)
    figures, exact_everywhere = {}, True
    for variant, work in VARIANTS.items():
        megabytes, exact = peak_mb(variant, str(path))
        figures[variant] = (median_seconds(work, data, runs), megabytes)
        exact_everywhere = exact_everywhere and exact
    print(f"\n{label}: {SIZE[0]}x{SIZE[1]}, {len(data) / 1024 / 1024:.1f} MB")
    print(
        f"  {'variant':<12}{'median s':>10}{'peak MB':>10}   budget (<= {BUDGET_SECONDS} s, <= {BUDGET_MB} MB)"
    )
    for variant, (seconds, megabytes) in figures.items():
        print(f"  {variant:<12}{seconds:>10.3f}{megabytes:>10.0f}   {verdict(seconds, megabytes)}")
    if not exact_everywhere:
        print("  (peak MB is an upper bound: this kernel would not reset the high-water mark)")
    (naive_s, naive_mb), (ours_s, ours_mb) = figures["naive"], figures["ours"]
    print(f"  {'naive/ours':<12}{naive_s / ours_s:>9.1f}x{naive_mb / max(ours_mb, 1):>9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(peak_mb_here(*arguments.child)))
        return
    print(f"Photo pipeline, median of {arguments.runs} runs; {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        for label, orientation in INPUTS.items():
            bench_input(label, orientation, arguments.runs, Path(folder))


if __name__ == "__main__":
    main()
