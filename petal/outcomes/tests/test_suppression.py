"""Small-number suppression, checked by working out what a reader could recover."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from petal.outcomes.suppression import FEWER_THAN_5, NOT_SHOWN, shown, suppress


def _grid(cells: list[list[int]]):
    """A table with row totals, column totals and a grand total, as values and lines."""
    values = {}
    rows, cols = len(cells), len(cells[0])
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[(r, "total")] = sum(row)
    for c in range(cols):
        values[("total", c)] = sum(cells[r][c] for r in range(rows))
    values[("total", "total")] = sum(map(sum, cells))
    lines = [[(r, c) for c in range(cols)] + [(r, "total")] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] + [("total", c)] for c in range(cols)]
    lines.append([("total", c) for c in range(cols)] + [("total", "total")])
    lines.append([(r, "total") for r in range(rows)] + [("total", "total")])
    return values, lines


def test_small_counts_are_hidden_and_others_shown():
    values = {"a": 3, "b": 10, "c": 0, "total": 13}
    hidden = suppress(values, [["a", "b", "c", "total"]])
    assert "a" in hidden
    # b would give a away (13 - 10 - 0): it goes too, and the zero and the total stay.
    assert hidden == {"a", "b"}
    assert shown(3, "a", hidden) == FEWER_THAN_5
    assert shown(10, "b", hidden) == NOT_SHOWN
    assert shown(0, "c", hidden) == "0"
    assert shown(1234, "total", hidden) == "1,234"


def test_the_next_smallest_cell_goes_not_the_total():
    values = {"a": 2, "b": 50, "c": 7, "total": 59}
    assert suppress(values, [["a", "b", "c", "total"]]) == {"a", "c"}


def test_a_cell_goes_before_an_equal_total():
    values = {"a": 4, "b": 0, "c": 9, "total": 13}
    assert suppress(values, [["a", "b", "c", "total"]]) == {"a", "c"}


def test_secondary_suppression_spreads_to_the_crossing_line():
    values, lines = _grid([[3, 20], [30, 40]])
    hidden = suppress(values, lines)
    # (0,0) is small; row 0 gives up (0,1), column 0 gives up (1,0), and then row 1 and
    # column 1 each have one hidden cell, so (1,1) goes as well.
    assert {(0, 0), (0, 1), (1, 0), (1, 1)} <= hidden
    assert ("total", "total") not in hidden


def test_nothing_hidden_when_nothing_is_small():
    values, lines = _grid([[5, 20], [30, 0]])
    assert suppress(values, lines) == set()


def _recoverable(values, lines, hidden) -> set:
    """Every hidden member a reader could work out, by solving lines with one unknown
    repeatedly (what differencing the published totals gives)."""
    known = {k for k in values if k not in hidden}
    found = True
    recovered = set()
    while found:
        found = False
        for line in lines:
            unknown = [k for k in line if k not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                recovered.add(unknown[0])
                found = True
    return recovered


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]), min_size=cols, max_size=cols
            ),
            min_size=1,
            max_size=6,
        )
    )
)
def test_no_small_count_shows_or_can_be_worked_out(cells):
    values, lines = _grid(cells)
    hidden = suppress(values, lines)
    for key, value in values.items():
        if 1 <= value <= 4:
            assert key in hidden, (key, value)
    for line in lines:
        assert sum(1 for k in line if k in hidden) != 1, line
    assert not _recoverable(values, lines, hidden) & {k for k, v in values.items() if 1 <= v <= 4}


def test_combinations_and_area_counts_hide_together():
    # Areas A, B, C; combinations AB, AC, BC, ABC; area counts are sums of the combinations
    # that include them, and the cohort total is the sum of all combinations.
    combos = {"AB": 2, "AC": 12, "BC": 30, "ABC": 8}
    values = dict(combos)
    values["total"] = sum(combos.values())
    areas = {"A": ["AB", "AC", "ABC"], "B": ["AB", "BC", "ABC"], "C": ["AC", "BC", "ABC"]}
    lines = [[*combos, "total"]]
    for area, members in areas.items():
        values[area] = sum(combos[m] for m in members)
        lines.append([*members, area])
    hidden = suppress(values, lines)
    assert "AB" in hidden
    assert not _recoverable(values, lines, hidden) & {"AB"}
    for a, b in itertools.combinations(lines, 2):
        assert a != b
