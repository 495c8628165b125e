"""Contributions as a spreadsheet (CSV and XLSX): one row per contribution, withdrawn ones
marked. Nothing here reads the database: the rows come from
``petal.programme.selectors.partners.contributions_export``, which records the download.

Text a person typed could start with = + - @ and be run as a formula by a spreadsheet
program. In the CSV such text gets a leading apostrophe (CSV has no way to say "this is
text"). In the XLSX every text cell is written as the text it is, a string cell (never a
formula), with Excel's "quote prefix" on formula-like text so editing the cell keeps it text:
the reader sees exactly what was typed. Numbers and dates are written as numbers and dates. The
programme team's notes are not included.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from petal.programme.selectors.partners import financial_year_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HEADERS = [
    "Reference",
    "Partner",
    "Tier",
    "Kind",
    "Status",
    "Financial year",
    "Amount (£)",
    "Role",
    "Hours a week",
    "FTE",
    "Period start",
    "Period end",
    "Description",
    "Withdrawn",
]


def safe(value: str) -> str:
    """Text for a CSV cell: a formula-like start is neutralised with an apostrophe."""
    value = value or ""
    return "'" + value if value.startswith(FORMULA_START) else value


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def rows(contributions) -> list[list]:
    """The cells of each contribution, typed (ints, floats, dates, text), headers first. Text
    is as typed: each format guards formula-like text its own way."""
    table: list[list] = [HEADERS]
    for c in contributions:
        partner = c.partner
        table.append(
            [
                c.reference,
                partner.organisation.name,
                partner.get_tier_display(),
                c.get_kind_display(),
                "Committed" if c.status == "committed" else "Potential",
                financial_year_label(c.financial_year),
                c.amount,
                c.role,
                _number(c.hours_per_week),
                _number(c.fte),
                c.period_start,
                c.period_end,
                c.description,
                c.withdrawn_at.date() if c.withdrawn_at else None,
            ]
        )
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_csv(out, contributions) -> None:
    writer = csv.writer(out)
    for row in rows(contributions):
        writer.writerow([safe(cell) if isinstance(cell, str) else _text(cell) for cell in row])


def csv_text(contributions) -> str:
    out = io.StringIO()
    write_csv(out, contributions)
    return out.getvalue()


def xlsx_bytes(contributions) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Contributions"
    for row in rows(contributions):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                # openpyxl makes "=…" a formula: write it as the text it is instead.
                cell.data_type = "s"
                if formula_like(cell.value):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in ("K", "L", "N"):
        for cell in sheet[letter][1:]:
            cell.number_format = "yyyy-mm-dd"
    for cell in sheet["G"][1:]:
        cell.number_format = "#,##0"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
