"""The one-month clock of UK GDPR article 12(3)."""

import datetime as dt

import pytest

from petal.rights.clock import add_months, due_on

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 3, 15), D(2026, 4, 15)),  # same day next month
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the last day of February
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 10), D(2027, 1, 10)),  # across the year end
        (D(2026, 2, 28), D(2026, 3, 28)),
    ],
)
def test_due_one_calendar_month_from_receipt(received, due):
    assert due_on(received) == due


def test_extension_counts_on_from_the_original_due_date():
    # 31 January → due 28 February → two more months: 28 April (not 30 April).
    assert due_on(D(2026, 1, 31), extension_months=2) == D(2026, 4, 28)
    assert due_on(D(2026, 3, 15), extension_months=1) == D(2026, 5, 15)


def test_paused_days_move_the_due_date_on():
    assert due_on(D(2026, 3, 15), paused_days=10) == D(2026, 4, 25)
    assert due_on(D(2026, 3, 15), extension_months=1, paused_days=3) == D(2026, 5, 18)


def test_an_extension_beyond_two_months_is_refused():
    with pytest.raises(ValueError, match="two further months"):
        due_on(D(2026, 3, 15), extension_months=3)


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(D(2026, 8, 31), 1) == D(2026, 9, 30)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
