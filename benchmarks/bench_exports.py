"""The xlsx winners list and score matrix against a bare openpyxl write-only loop.

Budget (DESIGN.md, "Performance budgets"): the xlsx winners list and score
matrix take <= 1.5x the time of a bare openpyxl write-only loop over the same rows.

    .venv/bin/python benchmarks/bench_exports.py [--runs 5]     # about 1.5 min

The data are a city-scale season (benchmarks/citydata.py: 1,650 entries, 3
jurors, 21 indicators) in a fresh SQLite file under /tmp, or in DATABASE_URL.
The live results table (`result_table`, measured in bench_results.py) is
computed once beforehand; both reports start from it, as the export view does.

- "ours": `winners_report(...)` or `matrix_report(...)` and then
  `bantar.exports.write_xlsx` (XlsxWriter, constant_memory) into a BytesIO:
  building the report, row generation, cell formats, number formats, title
  rows, frozen header, autofilter, print set-up.
- "before": the same with `write_xlsx_before` below, a verbatim copy of the
  app's xlsx writer before the budget work, which wrapped every value in a
  styled WriteOnlyCell. It is kept here only to measure against.
- "bare": `Workbook(write_only=True)`, one sheet per report sheet,
  `worksheet.append(values)` for the same rows (title rows, the blank row, the
  header, the data rows and the total row, with the same values: text,
  integers, Decimals), no styles, `save` into a BytesIO. The values are
  computed before the clock starts: the bare loop is only the writing. The
  budget is judged against this loop (benchmarks/README.md says why).
- "bare+formats": the bare loop, but each number in a column with a number
  format goes in as a WriteOnlyCell with that `number_format`, as the openpyxl
  documentation shows it: the same values and number formats as ours, without
  the bold and the header and title styles.

To tell the xlsx writer from the report it is given, two parts of "ours" are
timed on their own: "report only" builds the report and its rows without any
xlsx, and "xlsx only" is write_xlsx over a report built beforehand (its rows
still computed by the column functions).

All of them run in the same process, interleaved, after a warm-up; each figure
is the median of N runs, and the ratios' range is over the N interleaved runs.
Once, untimed, the files are read back with openpyxl: ours has the same
sheets, rows and non-empty cells as the bare file, and the same value, data
type, number format, font (bold, size), fill colour and wrapping in every
non-empty cell as before's, and the same sheet set-up (frozen panes,
autofilter, print title rows, landscape, A4, fit to page); a difference stops
the script. Two things are read as Excel shows them, since the writers spell
them differently: a font without a size is 11 points (the default font's),
and a fill colour is its last six hex digits (XlsxWriter writes the alpha
byte as FF, openpyxl as 00; Excel ignores it). The files are not the same
byte for byte: XlsxWriter writes inline strings, and column widths with
Excel's padding. When the budget is missed, the top functions of one cProfile
run of "ours" are printed.
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


# --- BEFORE: bantar/exports.py's xlsx writer up to commit a01a245, verbatim -------------
# Not app code: kept so that every run measures the old writer next to the new one.


def write_xlsx_before(report, target) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from bantar.exports import _sheet_title

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9EAD3")
    for sheet in report.sheets:
        worksheet = workbook.create_sheet(title=_sheet_title(sheet.name))
        last_column = get_column_letter(len(sheet.columns))
        title_rows = [report.title, report.subtitle, *report.notes]
        title_rows = [row for row in title_rows if row]
        header_row = len(title_rows) + 2
        for index, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = f"A{header_row + 1}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = "9"  # A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.print_title_rows = f"{header_row}:{header_row}"

        for number, text in enumerate(title_rows):
            cell = WriteOnlyCell(worksheet, value=text)
            cell.font = Font(bold=number == 0, size=14 if number == 0 else 11)
            worksheet.append([cell])
        worksheet.append([])
        headers = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=column.header)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            headers.append(cell)
        worksheet.append(headers)
        count = 0
        for values in sheet.values():
            worksheet.append(_xlsx_row_before(worksheet, sheet.columns, values, WriteOnlyCell))
            count += 1
        worksheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
        if sheet.total is not None:
            cells = _xlsx_row_before(worksheet, sheet.columns, sheet.total, WriteOnlyCell)
            for cell in cells:
                cell.font = bold
            worksheet.append(cells)
    workbook.save(target)


def _xlsx_row_before(worksheet, columns, values, cell_class) -> list:
    from datetime import datetime
    from decimal import Decimal

    from django.utils import timezone

    from bantar.exports import NUMBER_FORMATS

    cells = []
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = cell_class(worksheet, value=value)
        if column.kind in NUMBER_FORMATS and isinstance(value, int | float | Decimal):
            cell.number_format = NUMBER_FORMATS[column.kind]
        cells.append(cell)
    return cells


# --- the baselines ------------------------------------------------------------------------


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


# --- checks -------------------------------------------------------------------------------


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


def cells(data: bytes) -> list[tuple]:
    """(sheet, row, column, value, type, number format, bold, size, fill, wrap) per non-empty cell."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))  # not read-only: it keeps the styles
    found = []
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    found.append(
                        (
                            worksheet.title,
                            cell.row,
                            cell.column,
                            cell.value,
                            cell.data_type,
                            cell.number_format,
                            bool(cell.font.b),
                            cell.font.sz or 11.0,  # no size: the default font's
                            cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None,
                            bool(cell.alignment.wrap_text),
                        )
                    )
    return found


def set_up(data: bytes) -> list[tuple]:
    """Per sheet: title, frozen panes, autofilter, print title rows and page set-up."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=False)
    found = []
    for worksheet in workbook.worksheets:
        page = worksheet.page_setup
        found.append(
            (
                worksheet.title,
                worksheet.freeze_panes,
                worksheet.auto_filter.ref,
                (worksheet.print_title_rows or "").replace("$", ""),
                page.orientation,
                str(page.paperSize),
                bool(worksheet.sheet_properties.pageSetUpPr.fitToPage),
                int(page.fitToWidth or 1),  # 1 is the default when it is left out
                int(page.fitToHeight if page.fitToHeight is not None else 1),
            )
        )
    return found


# --- timing -------------------------------------------------------------------------------


def interleaved(works: dict, runs: int) -> dict[str, list[float]]:
    """Seconds of each work per run, the works taking turns; one warm-up run first."""
    for work in works.values():
        work()
    timings: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            gc.collect()
            start = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - start)
    return timings


def ratio(timings: dict[str, list[float]], name: str, baseline: str) -> tuple[float, float, float]:
    """Median of the medians' ratio, and the lowest and highest ratio of one interleaved run."""
    per_run = [a / b for a, b in zip(timings[name], timings[baseline], strict=True)]
    median = statistics.median(timings[name]) / statistics.median(timings[baseline])
    return median, min(per_run), max(per_run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--profile", action="store_true", help="profile even when within budget")
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
    import xlsxwriter

    from bantar.exports import write_xlsx
    from benchmarks.bench_results import machine, profile_top
    from competitions.models import Competition
    from scoring.reports import matrix_report, winners_report
    from scoring.result_selectors import result_table

    prepare_schema()
    city = build_city(scale=arguments.scale, quiet=True)
    competition = Competition.objects.get(pk=city.competition_id)
    print(
        f"Exports, median of {arguments.runs} runs; {machine()}, openpyxl {openpyxl.__version__}, "
        f"XlsxWriter {xlsxwriter.__version__}"
    )
    print(f"  {url.split(':', 1)[0]}: {city.describe()}")
    start = time.perf_counter()
    table = result_table(competition)
    print(f"  result_table once, before the exports: {time.perf_counter() - start:.2f} s")

    reports = {
        "winners list (Daftar pemenang)": lambda: winners_report(competition, table, scope=SCOPE),
        "score matrix (Matriks nilai)": lambda: matrix_report(competition, table, scope=SCOPE),
    }
    ok_plain = ok_formatted = True
    profiles = []
    for label, build in reports.items():
        report = build()  # one report for the checks: its subtitle has the minute
        sheets = plain_rows(report)
        plan = formatted_plan(report)
        ours_file, before_file, bare_file = io.BytesIO(), io.BytesIO(), io.BytesIO()
        write_xlsx(report, ours_file)
        write_xlsx_before(report, before_file)
        bare_xlsx(sheets, bare_file)
        ours_shape, bare_shape = shape(ours_file.getvalue()), shape(bare_file.getvalue())
        if ours_shape != bare_shape:
            raise SystemExit(f"{label}: not the same rows: ours {ours_shape}, bare {bare_shape}")
        ours_cells, before_cells = cells(ours_file.getvalue()), cells(before_file.getvalue())
        same_cells = ours_cells == before_cells
        ours_set_up, before_set_up = set_up(ours_file.getvalue()), set_up(before_file.getvalue())

        def ours(build=build):
            write_xlsx(build(), io.BytesIO())

        def before(build=build):
            write_xlsx_before(build(), io.BytesIO())

        def report_only(build=build):
            for sheet in build().sheets:
                for _values in sheet.values():
                    pass

        timings = interleaved(
            {
                "bare": lambda sheets=sheets: bare_xlsx(sheets, io.BytesIO()),
                "bare+formats": lambda plan=plan: bare_formatted_xlsx(plan, io.BytesIO()),
                "before": before,
                "ours": ours,
                "report only": report_only,
                "xlsx only": lambda report=report: write_xlsx(report, io.BytesIO()),
            },
            arguments.runs,
        )
        medians = {name: statistics.median(seconds) for name, seconds in timings.items()}
        plain, plain_low, plain_high = ratio(timings, "ours", "bare")
        formatted, formatted_low, formatted_high = ratio(timings, "ours", "bare+formats")
        ok_plain = ok_plain and plain <= BUDGET
        ok_formatted = ok_formatted and formatted <= BUDGET
        if plain > BUDGET or arguments.profile:
            profiles.append((label, ours))
        count, rows, cell_count = ours_shape
        print(f"\n  {label}: {count} sheets, {rows:,} rows, {cell_count:,} non-empty cells")
        print(
            "    seconds (median): "
            + ", ".join(f"{name} {seconds:.3f}" for name, seconds in medians.items())
        )
        for name in ("bare+formats", "before", "report only", "xlsx only"):
            low_high = ratio(timings, name, "bare")
            print(f"    {name + ' / bare':<26}{_ratio(*low_high)}")
        print(
            f"    {'before / bare+formats':<26}{_ratio(*ratio(timings, 'before', 'bare+formats'))}"
        )
        print(
            f"    {'ours / bare':<26}{_ratio(plain, plain_low, plain_high)}   "
            f"budget (<= {BUDGET}x, judged here): {'met' if plain <= BUDGET else 'NOT met'}"
        )
        print(
            f"    {'ours / bare+formats':<26}{_ratio(formatted, formatted_low, formatted_high)}   "
            f"{'met' if formatted <= BUDGET else 'NOT met'} against the formatted loop"
        )
        print(
            "    ours and before: same value, type, number format, bold, size, fill and "
            f"wrapping in every non-empty cell: {'yes' if same_cells else 'NO'}"
        )
        same_set_up = ours_set_up == before_set_up
        print(
            "    ours and before: same sheet titles, frozen panes, autofilter, print titles "
            f"and page set-up: {'yes' if same_set_up else 'NO'}"
        )
        if not same_set_up:
            raise SystemExit(f"{label}: now {ours_set_up}\n  was {before_set_up}")
        if not same_cells:
            pairs = zip(ours_cells, before_cells, strict=False)  # one may be shorter
            changed = [pair for pair in pairs if pair[0] != pair[1]]
            for now, then in changed[:3]:
                print(f"      now {now}\n      was {then}")
            raise SystemExit(f"{label}: write_xlsx no longer writes what it wrote before")
    for label, ours in profiles:
        print(f"\n  {label}: cProfile of one 'ours' run")
        print(profile_top(ours))
    print(
        f"\n== bench_exports: DESIGN budget {'met' if ok_plain else 'NOT met'} "
        f"(against the bare loop; against the bare loop with the same number formats: "
        f"{'met' if ok_formatted else 'NOT met'})"
    )


def _ratio(median: float, low: float, high: float) -> str:
    return f"{median:5.2f}x  (runs {low:.2f}-{high:.2f})"


if __name__ == "__main__":
    main()
