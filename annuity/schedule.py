"""The monthly schedule of an annuity (cl. 32, 53-54): one row per calendar month.

Decision (the seed fixes the first payment only): the month's payment is due by
the month's last working day, and never before the first payment's due date
(15 working days after signing, cl. 32), so months of the term that passed
before signing fall due together with the first payment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from core.calendar import WorkingCalendar


def months_between(starts_on: dt.date, ends_on: dt.date) -> Iterator[dt.date]:
    """First days of the calendar months touched by the term, in order."""
    month = starts_on.replace(day=1)
    while month <= ends_on:
        yield month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_count(starts_on: dt.date, ends_on: dt.date) -> int:
    return sum(1 for _ in months_between(starts_on, ends_on))


def last_working_day(month: dt.date, calendar: WorkingCalendar) -> dt.date:
    day = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def month_due_on(month: dt.date, first_due_on: dt.date, calendar: WorkingCalendar) -> dt.date:
    return max(last_working_day(month, calendar), first_due_on)
