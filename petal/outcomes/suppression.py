"""Small-number suppression: no count from 1 to 4 reaches anyone who cannot see the people
behind it, and none can be worked out from the figures that are shown.

A table is a set of cells and a set of *lines*. A line is a group of cells whose figures add
up: a row's cells and the row's total, a column's cells and its total, or any other sum the
page publishes (the people with each area of disadvantage are the sum of the combinations
that include it). Each line's members are listed with its total last.

1. Primary suppression: every cell from 1 to 4 is hidden ("fewer than 5").
2. Secondary suppression: a line with exactly one hidden member would give that member away
   (the total minus the others), so the smallest other member that is not zero is hidden too
   — a cell before a total, when they are equal. Hiding it may expose another line, so this
   repeats until every line hides none of its members or at least two.

3. Where lines overlap, that is not always enough: the cohort total minus "people with
   homelessness" is the sum of the combinations without homelessness, and if that is one
   hidden combination beside zeros, two published figures give it away. So ``protect`` writes
   every line as an equation over the hidden figures, reduces them exactly (fractions, no
   rounding), and while any hidden figure is fully determined, hides the smallest published
   figure that leaves it undetermined and applies the line rule again. A table of a few dozen
   cells takes milliseconds.

Zero is shown: "none" gives nobody away, and a line whose other members are all zero has a
total equal to the hidden cell, which the primary rule has already hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

LOWEST, HIGHEST = 1, 4
FEWER_THAN_5 = "fewer than 5"
NOT_SHOWN = "not shown"


def is_small(value: int | None) -> bool:
    return value is not None and LOWEST <= value <= HIGHEST


def suppress(values: Mapping[Hashable, int], lines: Iterable[Sequence[Hashable]]) -> set:
    """The keys of the cells to hide: the small ones, and enough others that none of them can
    be worked out from a line."""
    hidden = {key for key, value in values.items() if is_small(value)}
    lines = [list(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = [key for key in line if key in values]
            if sum(1 for key in members if key in hidden) != 1:
                continue
            candidates = [
                (values[key], position, key)
                for position, key in enumerate(members)
                if key not in hidden and values[key]
            ]
            if not candidates:
                # Every other member is zero: the hidden one equals the line's total, which
                # is then a small number too and already hidden — unless the line has no
                # total, in which case nothing can be worked out.
                continue
            # The smallest first; among equals, a cell before the total (earlier position).
            _, _, key = min(candidates, key=lambda c: (c[0], c[1]))
            hidden.add(key)
            changed = True
    return hidden


def shown(value: int | None, key, hidden: set, *, secondary_label: str = NOT_SHOWN) -> str:
    """How a count is written: the number, or why it is not shown."""
    if value is None:
        return ""
    if key in hidden:
        return FEWER_THAN_5 if is_small(value) else secondary_label
    return f"{value:,}"


def _rref(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """The reduced row echelon form: (pivot column, row) pairs."""
    rows = [list(r) for r in rows if any(r)]
    width = len(rows[0]) if rows else 0
    pivots: list[tuple[int, list[Fraction]]] = []
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [x / pivot[col] for x in pivot]
        rows = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in rows]
        rows = [r for r in rows if any(r)]
        pivots = [
            (c, [a - row[col] * b for a, b in zip(row, pivot, strict=True)]) for c, row in pivots
        ]
        pivots.append((col, pivot))
    return pivots


def determined(values: dict, lines: list, hidden: set) -> set:
    """The hidden members whose value the published members and the lines fix exactly."""
    unknowns = sorted((k for k in hidden if k in values), key=repr)
    if not unknowns:
        return set()
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in lines:
        members = [k for k in line if k in values]
        row = [Fraction(0)] * len(unknowns)
        for position, key in enumerate(members):
            if key in index:
                row[index[key]] += -1 if position == len(members) - 1 else 1
        rows.append(row)
    found = set()
    for col, row in _rref(rows):
        if all(x == 0 for i, x in enumerate(row) if i != col):
            found.add(unknowns[col])
    return found


def protect(values: dict, lines: list, hidden: set) -> set:
    """``hidden`` and as many more figures as it takes for none to be determined: for an
    exposed figure, the smallest published figure whose hiding leaves it undetermined (a cell
    before a total among equals), then the line rule again."""
    hidden = set(hidden)
    lines = [list(line) for line in lines]
    totals = {line[-1] for line in lines if line}
    while True:
        exposed = determined(values, lines, hidden)
        if not exposed:
            return hidden
        key = min(exposed, key=repr)
        on_lines = {k for line in lines for k in line}
        candidates = sorted(
            (k for k in values if k in on_lines and k not in hidden and values[k]),
            key=lambda k: (values[k], k in totals, repr(k)),
        )
        if not candidates:
            return hidden
        chosen = next(
            (c for c in candidates if key not in determined(values, lines, hidden | {c})),
            candidates[0],
        )
        hidden.add(chosen)
        # The line rule again, from the larger hidden set (a hidden figure counts as small).
        marked = {k: (1 if k in hidden else v) for k, v in values.items()}
        hidden |= suppress(marked, lines)


def hide(values: Mapping[Hashable, int], lines: Iterable[Sequence[Hashable]]) -> set:
    """Everything to hide: the line rule, then ``protect`` across the lines together."""
    lines = [list(line) for line in lines]
    return protect(dict(values), lines, suppress(values, lines))
