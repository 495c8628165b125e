"""The one-month clock of UK GDPR article 12(3), as pure functions.

A response is due "within one month of receipt": the same day of the next month, or the last
day of that month when it has no such day (31 January → 28 or 29 February). The time can be
extended once by up to two further months, counted on from the original due date, and every
day the clock was paused (waiting for proof of identity, say) moves the due date on by a day.
"""

from __future__ import annotations

import calendar
import datetime as dt

MAX_EXTENSION_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month when it has no such day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(received_on: dt.date, *, extension_months: int = 0, paused_days: int = 0) -> dt.date:
    """When the response is due: one calendar month from receipt, then the extension, then
    every paused day."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError("An extension is at most two further months")
    due = add_months(add_months(received_on, 1), extension_months)
    return due + dt.timedelta(days=max(0, paused_days))
