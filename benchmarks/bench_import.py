"""The panitia's entry import at its bounds: time and memory of a preview, and the refusals.

Budget (README, "Importing entries"): a file at the row limit (5,000 rows) previews
in <= 100 MB and, on this 2-CPU machine, <= 10 s; a file over a bound is refused
before it is parsed (the zip bomb) or while streaming (one row too many), costing
only a few MB.

    .venv/bin/python benchmarks/bench_import.py            # about 1 min

Cases, each in its own fresh process on one throwaway SQLite database:
- xlsx_5000, csv_5000: the city's list at the limit, 6 columns, every RT new;
- wide_5000x50: the same 5,000 rows with 44 more columns of text (the column
  bound), the largest in-bounds file for memory;
- over_5001: one row over the limit, refused;
- bomb_300mb: an xlsx of a few hundred KB that unpacks to 300 MB, refused;
- confirm_5000: saving the 5,000 entries (last: it writes).

Time is the median of 3 runs of the preview (it writes nothing, so it repeats
the same work). Memory twice: Python's own allocations (tracemalloc, one more
run) and the kernel's resident high-water mark during the first run minus the
resident size before it (VmHWM after /proc/self/clear_refs; bench_photo.py
explains why plain ru_maxrss is wrong in a child).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULT = "RESULT "
CASES = ["xlsx_5000", "csv_5000", "wide_5000x50", "over_5001", "bomb_300mb", "confirm_5000"]
HEADER = ["kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk", "telepon"]
PREVIEW_MB, PREVIEW_S = 100, 10.0


def high_water_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rows(count: int, extra: int = 0) -> tuple[list[str], list[list[object]]]:
    from competitions.models import Kelurahan

    codes = list(Kelurahan.objects.order_by("code").values_list("code", flat=True))
    header = HEADER + [f"catatan_{i}" for i in range(extra)]
    body = [
        [codes[i % len(codes)], i // len(codes) + 1, f"Kampung {i}", f"Ketua RT {i}"]
        + [30 + i % 200, f"0812{i:08d}"]
        + [f"catatan {i % 97} kolom {c}" for c in range(extra)]
        for i in range(count)
    ]
    return header, body


def xlsx(header: list[str], body: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in body:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bomb(megabytes: int) -> bytes:
    base = xlsx(HEADER, [])
    out = io.BytesIO()
    sheet_name = "xl/worksheets/sheet1.xml"
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for member in source.infolist():
            if member.filename != sheet_name:
                target.writestr(member, source.read(member.filename))
                continue
            with target.open(sheet_name, "w") as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/')
                sheet.write(b'spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>15.71.11.1003</t></is></c></row>'
                chunk = row * (1024 * 1024 // len(row))
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def the_file(case: str) -> tuple[bytes, str]:
    if case == "csv_5000":
        header, body = rows(5000)
        text = "\n".join(";".join(str(v) for v in line) for line in [header, *body])
        return text.encode("utf-8"), "csv"
    if case == "wide_5000x50":
        return xlsx(*rows(5000, extra=44)), "xlsx"
    if case == "over_5001":
        return xlsx(*rows(5001)), "xlsx"
    if case == "bomb_300mb":
        return bomb(300), "xlsx"
    return xlsx(*rows(5000)), "xlsx"


def child(case: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bantar.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from bantar.models import Role, User
    from competitions.imports import entry_import
    from competitions.models import Competition

    competition = Competition.objects.get(year=2031)
    panitia = User.objects.get_or_create(username="panitia.bench", defaults={"role": Role.PANITIA})[
        0
    ]
    content, file_format = the_file(case)
    confirm = case == "confirm_5000"

    def work() -> str:
        try:
            outcome = entry_import(
                competition=competition,
                by=panitia,
                status="proposed",
                content=content,
                file_format=file_format,
                confirm=confirm,
            )
        except ValidationError as error:
            return f"refused ({error.error_list[0].code})"
        return f"{outcome.row_count} rows, errors: {outcome.has_errors}, saved: {outcome.saved}"

    Path("/proc/self/clear_refs").write_text("5")
    before = resident_mb()
    started = time.perf_counter()
    result = work()
    times = [time.perf_counter() - started]
    rss = high_water_mb() - before
    if not confirm:
        for _ in range(2):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        work()
        python_peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    else:
        python_peak = float("nan")
    figures = {
        "case": case,
        "file_kb": len(content) / 1024,
        "result": result,
        "seconds": statistics.median(times),
        "rss_mb": rss,
        "python_mb": python_peak,
    }
    print(RESULT + json.dumps(figures), flush=True)


def setup_database(env: dict[str, str]) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.utils import timezone\n"
        "from datetime import timedelta\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('loaddata', 'wilayah_kota_jambi', 'indicators', verbosity=0)\n"
        "from competitions.services import competition_create\n"
        "c = competition_create(year=2031, registration_closes=timezone.now() + timedelta(days=9))\n"
        "c.status = 'registration'; c.save()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{work}/db.sqlite3",
            "DJANGO_SETTINGS_MODULE": "bantar.settings",
        }
        setup_database(env)
        figures = []
        for case in CASES:
            output = subprocess.run(
                [sys.executable, __file__, "--child", case],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            line = next(line for line in output.splitlines() if line.startswith(RESULT))
            figures.append(json.loads(line.removeprefix(RESULT)))
    print(f"{'case':<14} {'file':>8} {'time':>7} {'RSS +':>8} {'Python':>8}  result")
    for f in figures:
        print(
            f"{f['case']:<14} {f['file_kb']:>6.0f}KB {f['seconds']:>6.2f}s {f['rss_mb']:>6.1f}MB "
            f"{f['python_mb']:>6.1f}MB  {f['result']}"
        )
    previews = [f for f in figures if f["case"] in ("xlsx_5000", "csv_5000", "wide_5000x50")]
    worst_mb = max(max(f["rss_mb"], f["python_mb"]) for f in previews)
    worst_s = max(f["seconds"] for f in previews)
    met = worst_mb <= PREVIEW_MB and worst_s <= PREVIEW_S
    print(
        f"== bench_import.py: a preview at the limit {worst_s:.2f} s and {worst_mb:.0f} MB "
        f"(budget {PREVIEW_S:.0f} s, {PREVIEW_MB} MB): {'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
