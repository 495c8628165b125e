"""A dashboard's figures as a table: the one shape the pages, the CSV and XLSX exports, the
quarterly PDF and the reports API all read, so they all show the same suppressed figures.

Build a ``Table`` from counts (and measures such as a median or an average, which belong to a
count in the same row); ``table.cells()`` gives what may be shown. When ``suppressed`` is true
(the reader cannot see the people behind the figures — every dashboard), small counts are
hidden by ``petal.outcomes.suppression.hide`` across the table's rows, columns, totals and any
``extra_lines`` (the line rule, then no hidden figure determined by the lines together); a measure is not shown when fewer than 5 people are behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from petal.outcomes.suppression import FEWER_THAN_5, HIGHEST, NOT_SHOWN, hide, is_small

COUNT = "count"
MEASURE = "measure"
TEXT = "text"

TOTAL = "Total"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT
    # For a measure: the index of the count column giving how many people (or referrals) are
    # behind it in the same row; fewer than 5 and the measure is not shown.
    base: int | None = None
    # For a measure: how it is written ("{:.1f} days").
    fmt: str = "{:,}"


@dataclass
class Row:
    label: str
    values: list
    # Rows that are part of the column totals (a summary row such as "people with this area"
    # is not).
    in_total: bool = True
    # Rows are shown in sections (a heading above the first row of each new section).
    section: str = ""
    key: object = None


@dataclass(frozen=True)
class Cell:
    text: str
    value: object  # the figure, or None when hidden or empty
    hidden: bool = False
    numeric: bool = True


@dataclass
class Table:
    slug: str
    title: str
    row_header: str
    columns: list[Column]
    rows: list[Row]
    caption: str = ""
    totals_row: bool = True
    totals_column: bool = False
    # Further sums the page publishes, as lists of (row index, column index), the total last;
    # a row index of "total" names the totals row, a column index of "total" the totals column.
    extra_lines: list[list[tuple]] = field(default_factory=list)
    suppressed: bool = True
    note: str = ""

    # -- the figures -------------------------------------------------------------------------

    def _count_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.kind == COUNT]

    @cached_property
    def _values(self) -> dict[tuple, int]:
        counts = self._count_columns()
        values: dict[tuple, int] = {}
        for r, row in enumerate(self.rows):
            for c in counts:
                values[(r, c)] = int(row.values[c] or 0)
            if self.totals_column:
                values[(r, "total")] = sum(values[(r, c)] for c in counts)
        if self.totals_row:
            for c in counts:
                values[("total", c)] = sum(
                    values[(r, c)] for r, row in enumerate(self.rows) if row.in_total
                )
            if self.totals_column:
                values[("total", "total")] = sum(values[("total", c)] for c in counts)
        return values

    def _lines(self) -> list[list[tuple]]:
        counts = self._count_columns()
        lines: list[list[tuple]] = []
        if self.totals_column:
            for r in range(len(self.rows)):
                lines.append([(r, c) for c in counts] + [(r, "total")])
            if self.totals_row:
                lines.append([("total", c) for c in counts] + [("total", "total")])
        if self.totals_row:
            members = [r for r, row in enumerate(self.rows) if row.in_total]
            for c in counts:
                lines.append([(r, c) for r in members] + [("total", c)])
            if self.totals_column:
                lines.append([(r, "total") for r in members] + [("total", "total")])
        return lines + [list(line) for line in self.extra_lines]

    @cached_property
    def hidden(self) -> set:
        if not self.suppressed:
            return set()
        return hide(self._values, self._lines())

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden) or any(
            self._measure_hidden(r, c)
            for r in range(len(self.rows))
            for c, col in enumerate(self.columns)
            if col.kind == MEASURE
        )

    def _measure_hidden(self, r, c) -> bool:
        column = self.columns[c]
        if not self.suppressed or column.base is None or r == "total":
            return False
        return self._values.get((r, column.base), 0) <= HIGHEST

    def value(self, r, c):
        """The figure at a cell, or None when it is hidden (for the API and the charts)."""
        key = (r, c)
        if key in self.hidden:
            return None
        if key in self._values:
            return self._values[key]
        column = self.columns[c]
        raw = self.rows[r].values[c]
        if column.kind == MEASURE and self._measure_hidden(r, c):
            return None
        return raw

    def _cell(self, r, c) -> Cell:
        key = (r, c)
        if c == "total" or self.columns[c].kind == COUNT:
            value = self._values[key]
            if key in self.hidden:
                return Cell(FEWER_THAN_5 if is_small(value) else NOT_SHOWN, None, hidden=True)
            return Cell(f"{value:,}", value)
        column = self.columns[c]
        raw = self.rows[r].values[c]
        if column.kind == TEXT:
            return Cell("" if raw is None else str(raw), raw, numeric=False)
        if raw is None:
            return Cell("", None)
        if self._measure_hidden(r, c):
            return Cell(NOT_SHOWN, None, hidden=True)
        return Cell(column.fmt.format(raw), raw)

    def header(self) -> list[str]:
        labels = [self.row_header] + [c.label for c in self.columns]
        return labels + [TOTAL] if self.totals_column else labels

    def body(self) -> list[tuple[Row, list[Cell]]]:
        """Each row with its cells as they may be shown."""
        out = []
        for r, row in enumerate(self.rows):
            cells = [self._cell(r, c) for c in range(len(self.columns))]
            if self.totals_column:
                cells.append(self._cell(r, "total"))
            out.append((row, cells))
        return out

    def footer(self) -> list[Cell] | None:
        if not self.totals_row:
            return None
        cells = []
        for c, column in enumerate(self.columns):
            cells.append(self._cell("total", c) if column.kind == COUNT else Cell("", None))
        if self.totals_column:
            cells.append(self._cell("total", "total"))
        return cells

    def text_rows(self) -> list[list[str]]:
        """The table as text, header first, as shown (for CSV, XLSX and the PDF)."""
        out = [self.header()]
        for row, cells in self.body():
            out.append([row.label] + [cell.text for cell in cells])
        footer = self.footer()
        if footer is not None:
            out.append([TOTAL] + [cell.text for cell in footer])
        return out
