"""Reporting months: their bounds, their arithmetic, their deadline and how they are written.

A reporting month is the date of its first day. Both forms of seed 003 are due by
the 3rd day of the month after the reporting month.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext


def shift_month(period: date, delta: int) -> date:
    """The first day of the month ``delta`` months from the month of ``period``."""
    index = period.year * 12 + period.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(period: date) -> tuple[date, date]:
    """[first day, first day of the next month) of the month of ``period``."""
    return period.replace(day=1), shift_month(period, 1)


# Both forms are due by the 3rd day of the month after the reporting month (seed 003).
SUBMISSION_DAY = 3


def due_on(period: date) -> date:
    return shift_month(period, 1).replace(day=SUBMISSION_DAY)


class PeriodError(ValueError):
    """A reporting month that is malformed or out of range."""


FIRST_PERIOD = date(2000, 1, 1)

LAST_PERIOD_YEAR = 2099


def parse_period(value: str) -> date:
    """'YYYY-MM' -> the first day of that month; PeriodError when malformed."""
    text = (value or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        raise PeriodError(gettext("The period must look like YYYY-MM, e.g. 2026-10."))
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise PeriodError(gettext("The month of the period must be from 01 to 12."))
    if year < FIRST_PERIOD.year:
        raise PeriodError(gettext("The period must not be earlier than 2000-01."))
    if year > LAST_PERIOD_YEAR:
        # The month after the period must exist too (navigation, due date).
        raise PeriodError(
            gettext("The period must not be later than %(year)d-12.") % {"year": LAST_PERIOD_YEAR}
        )
    return date(year, month, 1)


def previous_month(today: date) -> date:
    return shift_month(today, -1)
