"""The xlsx winners list and score matrix against a bare openpyxl write-only loop.

Budget (DESIGN.md, "Performance budgets"): the xlsx winners list and score
matrix take <= 1.5x the time of a bare openpyxl write-only loop over the same rows.

    .venv/bin/python benchmarks/bench_exports.py [--runs 5]     # about 1 min

The data are a city-scale season (benchmarks/citydata.py: 1,650 entries, 3
jurors, 21 indicators) in a fresh SQLite file under /tmp, or in DATABASE_URL.
The live results table (`result_table`, measured in bench_results.py) is
computed once beforehand; both reports start from it, as the export view does.

- "ours": `winners_report(...)` or `matrix_report(...)` and then
  `bantar.exports.write_xlsx` into a BytesIO: row generation, cell styles,
  number formats, title rows, frozen header, autofilter, print set-up.
- "bare": `Workbook(write_only=True)`, one sheet per report sheet,
  `worksheet.append(values)` for the same rows (title rows, the blank row, the
  header, the data rows and the total row, with the same values: text,
  integers, Decimals), no styles, `save` into a BytesIO. The values are
  computed before the clock starts: the bare loop is only the writing.

Both run in the same process, interleaved, after a warm-up; each figure is the
median of N runs. Once, untimed, both files are read back to check that they
hold the same number of rows and non-empty cells. When a budget is missed, the
top functions of one cProfile run of "ours" are printed.

`benchmarks/sketch_exports.py` (not app code) is the fix proposed in
benchmarks/README.md: it is timed against the same bare loop, and its file is
compared with write_xlsx's cell by cell (value, number format, bold). For
reference, the bare loop is also timed with the same number formats on the
numbers that carry one: the least any styled export can cost.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET = 1.5
SCOPE = "Kota Jambi"


def plain_rows(report) -> list[tuple[str, list[list]]]:
    """What write_xlsx writes, sheet by sheet, as plain values."""
    from bantar.exports import _sheet_title

    title_rows = [row for row in (report.title, report.subtitle, *report.notes) if row]
    sheets = []
    for sheet in report.sheets:
        rows = [[text] for text in title_rows]
        rows.append([])
        rows.append([column.header for column in sheet.columns])
        rows.extend(list(sheet.values()))
        if sheet.total is not None:
            rows.append(list(sheet.total))
        sheets.append((_sheet_title(sheet.name), rows))
    return sheets


def bare_xlsx(sheets: list[tuple[str, list[list]]], target) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title=title)
        for row in rows:
            worksheet.append(row)
    workbook.save(target)


def formatted_plan(report) -> list[tuple[str, list[list], list[list | None]]]:
    """plain_rows plus, for each data and total row, the number format of each value (or None)."""
    from bantar.exports import NUMBER_FORMATS

    plan = []
    for (title, rows), sheet in zip(plain_rows(report), report.sheets, strict=True):
        kinds = [NUMBER_FORMATS.get(column.kind) for column in sheet.columns]
        first_data = len(rows) - len(list(sheet.values())) - (sheet.total is not None)
        formats = [None if index < first_data else kinds for index in range(len(rows))]
        plan.append((title, rows, formats))
    return plan


def bare_formatted_xlsx(plan, target) -> None:
    """The bare loop, but numbers in formatted columns carry the same number format."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows, formats in plan:
        worksheet = workbook.create_sheet(title=title)
        for row, kinds in zip(rows, formats, strict=True):
            if kinds is None:
                worksheet.append(row)
                continue
            cells = []
            for value, number_format in zip(row, kinds, strict=True):
                if number_format and isinstance(value, int | float | Decimal):
                    cell = WriteOnlyCell(worksheet, value=value)
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(value)
            worksheet.append(cells)
    workbook.save(target)


def shape(data: bytes) -> tuple[int, int, int]:
    """(sheets, rows, non-empty cells) of an xlsx file."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = cells = 0
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows(values_only=True):
            rows += 1
            cells += sum(1 for value in row if value is not None)
    count = len(workbook.worksheets)
    workbook.close()
    return count, rows, cells


def median_pair(ours, bare, runs: int) -> tuple[float, float]:
    ours()
    bare()  # warm-up
    timings: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(runs):
        for name, work in (("bare", bare), ("ours", ours)):
            gc.collect()
            start = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - start)
    return statistics.median(timings["ours"]), statistics.median(timings["bare"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--profile", action="store_true", help="profile even when within budget")
    parser.add_argument("--no-sketch", action="store_true", help="skip the proposed fix's sketch")
    arguments = parser.parse_args()

    from benchmarks.citydata import build_city, prepare_schema, setup, sqlite_path

    url = setup(arguments.database_url)
    try:
        run(arguments, url, build_city, prepare_schema)
    finally:
        path = sqlite_path(url)
        if path is not None and arguments.database_url is None:
            path.unlink(missing_ok=True)


def run(arguments, url: str, build_city, prepare_schema) -> None:
    import openpyxl

    from bantar.exports import write_xlsx
    from benchmarks.bench_results import machine, profile_top
    from benchmarks.sketch_exports import cells as cells_of
    from benchmarks.sketch_exports import write_xlsx_sketch
    from competitions.models import Competition
    from scoring.reports import matrix_report, winners_report
    from scoring.selectors import result_table

    prepare_schema()
    city = build_city(scale=arguments.scale, quiet=True)
    competition = Competition.objects.get(pk=city.competition_id)
    print(f"Exports, median of {arguments.runs} runs; {machine()}, openpyxl {openpyxl.__version__}")
    print(f"  {url.split(':', 1)[0]}: {city.describe()}")
    start = time.perf_counter()
    table = result_table(competition)
    print(f"  result_table once, before the exports: {time.perf_counter() - start:.2f} s")

    reports = {
        "winners list (Daftar pemenang)": lambda: winners_report(competition, table, scope=SCOPE),
        "score matrix (Matriks nilai)": lambda: matrix_report(competition, table, scope=SCOPE),
    }
    print(
        f"\n  {'report':<32}{'sheets':>7}{'rows':>8}{'cells':>9}{'ours s':>9}{'bare s':>9}"
        f"{'ours/bare':>11}   budget (<= {BUDGET}x bare)"
    )
    ok = True
    profiles = []
    sketches = []
    formatted = []
    matrix_rows_seconds = None
    for label, build in reports.items():
        report = build()  # one report for the comparisons: its subtitle has the minute
        sheets = plain_rows(report)

        def ours(build=build):
            write_xlsx(build(), io.BytesIO())

        def bare(sheets=sheets):
            bare_xlsx(sheets, io.BytesIO())

        def sketch(build=build):
            write_xlsx_sketch(build(), io.BytesIO())

        ours_buffer, bare_buffer = io.BytesIO(), io.BytesIO()
        write_xlsx(report, ours_buffer)
        bare_xlsx(sheets, bare_buffer)
        ours_shape, bare_shape = shape(ours_buffer.getvalue()), shape(bare_buffer.getvalue())
        if ours_shape != bare_shape:
            raise SystemExit(f"{label}: not the same rows: ours {ours_shape}, bare {bare_shape}")
        ours_s, bare_s = median_pair(ours, bare, arguments.runs)
        ratio = ours_s / bare_s
        met = ratio <= BUDGET
        ok = ok and met
        if not met or arguments.profile:
            profiles.append((label, ours))
        count, rows, cells = ours_shape
        print(
            f"  {label:<32}{count:>7}{rows:>8,}{cells:>9,}{ours_s:>9.3f}{bare_s:>9.3f}"
            f"{ratio:>10.2f}x   {'met' if met else 'NOT met'}"
        )
        if label.startswith("score"):
            gc.collect()
            start = time.perf_counter()
            build()
            matrix_rows_seconds = time.perf_counter() - start
        plan = formatted_plan(report)
        formatted_s, formatted_bare_s = median_pair(
            lambda plan=plan: bare_formatted_xlsx(plan, io.BytesIO()), bare, arguments.runs
        )
        formatted.append((label, formatted_s, formatted_bare_s))
        if not arguments.no_sketch:
            sketch_buffer = io.BytesIO()
            write_xlsx_sketch(report, sketch_buffer)
            same = cells_of(sketch_buffer.getvalue()) == cells_of(ours_buffer.getvalue())
            sketch_s, sketch_bare_s = median_pair(sketch, bare, arguments.runs)
            sketches.append((label, sketch_s, sketch_bare_s, same))
    if matrix_rows_seconds is not None:
        print(
            f"  (matrix_report alone, building the rows without xlsx: {matrix_rows_seconds:.3f} s)"
        )
    for label, formatted_s, bare_s in formatted:
        print(
            f"  for reference, {label}: the bare loop with the same number formats (cells only "
            f"where a number needs one) takes {formatted_s:.3f} s = {formatted_s / bare_s:.2f}x bare"
        )
    for label, sketch_s, bare_s, same in sketches:
        ratio = sketch_s / bare_s
        print(
            f"  sketch of the proposed fix (benchmarks/sketch_exports.py), {label}: "
            f"{sketch_s:.3f} s vs bare {bare_s:.3f} s = {ratio:.2f}x "
            f"({'met' if ratio <= BUDGET else 'NOT met'}); same values, formats and bold cells "
            f"as write_xlsx: {'yes' if same else 'NO'}"
        )
    for label, ours in profiles:
        print(f"\n  {label}: cProfile of one 'ours' run")
        print(profile_top(ours))
    print(f"\n== bench_exports: DESIGN budget {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
