"""Dashboard tables as spreadsheets: CSV and XLSX. Nothing here reads the database or decides
what may be shown: every cell is ``Table.text_rows()``, the figures as the page shows them, so a
hidden count is written "fewer than 5" (or "not shown") and never as a number.

Every cell is written as text, exactly as shown on the page (with its thousands separator).
Text could start with = + - @ and be run as a formula by a spreadsheet program (a label typed
into Petal by someone, such as a service's name). In the CSV such text gets a leading apostrophe
(CSV has no way to say "this is text"); in the XLSX each cell is a string cell (never a formula)
with Excel's "quote prefix" on formula-like text, so the reader sees exactly what was shown.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence

from petal.outcomes.suppression import FEWER_THAN_5, NOT_SHOWN
from petal.outcomes.tables import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ABOUT = (
    f'"{FEWER_THAN_5}": a count from 1 to 4, hidden so that nobody can be recognised. '
    f'"{NOT_SHOWN}": a figure hidden so that a hidden count cannot be worked out from the totals, '
    "or a measure with fewer than 5 people behind it."
)


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe(value) -> str:
    """Text for a CSV cell: a formula-like start is neutralised with an apostrophe."""
    value = "" if value is None else str(value)
    return "'" + value if formula_like(value) else value


def write_csv_rows(out, rows: Iterable[Sequence]) -> None:
    """Rows of text to an open text stream, each cell neutralised."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe(cell) for cell in row])


def table_csv(table: Table) -> bytes:
    """One table as CSV bytes: header, rows and totals, as shown."""
    out = io.StringIO()
    write_csv_rows(out, table.text_rows())
    return out.getvalue().encode("utf-8")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Table"
    name = base[:31]
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _text_cells(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                # openpyxl makes "=…" a formula: write it as the text it is instead.
                cell.data_type = "s"
                if formula_like(cell.value):
                    cell.quotePrefix = True


def _widths(sheet, rows: list[list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    for i in range(max((len(r) for r in rows), default=0)):
        longest = max((len(r[i]) for r in rows if i < len(r)), default=8)
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(60, max(10, longest + 2))


def tables_xlsx(
    tables: Sequence[Table],
    *,
    title: str = "",
    caption: str = "",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Tables as one workbook: a sheet per table holding exactly its ``text_rows()`` (header
    first, bold), then a sheet "About" with the title, what the figures cover, each table's
    note and what "fewer than 5" and "not shown" mean. ``progress(n)`` is told after each
    table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = {"about"}
    for done, table in enumerate(tables, start=1):
        rows = table.text_rows()
        sheet = book.create_sheet(sheet_title(table.title or table.slug, taken))
        for row in rows:
            sheet.append(list(row))
        _text_cells(sheet)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2, min_col=2):
            for cell in row:
                cell.alignment = Alignment(horizontal="right")
        sheet.freeze_panes = "B2"
        _widths(sheet, rows)
        if progress:
            progress(done)
    about = book.create_sheet("About")
    lines = [[title or "Petal figures"]]
    if caption:
        lines.append([caption])
    lines.append([])
    for table in tables:
        lines.append([table.title, table.caption or ""])
        if table.note:
            lines.append(["", table.note])
    lines += [[], [ABOUT]]
    for line in lines:
        about.append(line)
    _text_cells(about)
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 50
    about.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(table: Table, *, title: str = "", caption: str = "") -> bytes:
    return tables_xlsx([table], title=title or table.title, caption=caption or table.caption)
