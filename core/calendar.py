"""The working-day calendar of Kazakhstan, for deadlines counted in working days.

Two sources, in this order of precedence:

1. ``DayOffTransfer`` rows edited by admins: ``day_off`` makes a date a day off,
   ``working_day`` makes a date a working day, whatever the package says. They
   cover government transfers the package does not know yet, or correct it.
2. The ``holidays`` package (country ``KZ``): public holidays, the rule that a
   holiday falling on a Saturday or Sunday moves the day off to the next working
   day (not for Orthodox Christmas and Kurban ait, which never move), and the
   government's yearly transfers, including Saturdays or Sundays made working
   days.

Otherwise Saturday and Sunday are days off and the other days working days.

One ``WorkingCalendar`` snapshot answers any number of questions with no
further queries: take one with ``working_calendar()`` for bulk work. The module
functions take a fresh snapshot per call. The transfers table is cached in the
Django cache for a few minutes, never while inside a transaction (so a rolled
back change cannot leak into it) and dropped whenever a transfer is saved or
deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.core.cache import cache
from django.db import connection, transaction

from core.models import DayOffTransfer

COUNTRY = "KZ"
SATURDAY = 5
TRANSFERS_CACHE_SECONDS = 300


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, weekend days made working days) the package knows for a year."""
    calendar = holidays.country_holidays(COUNTRY, years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    weekend_workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, weekend_workdays


def package_is_working_day(day: dt.date) -> bool:
    """What the ``holidays`` package alone says about a date."""
    days_off, weekend_workdays = _package_year(day.year)
    if day.weekday() >= SATURDAY:
        return day in weekend_workdays
    return day not in days_off


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot: the package's calendar plus the transfers table."""

    transfers: dict[dt.date, str] = field(default_factory=dict)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.transfers.get(day)
        if kind == DayOffTransfer.Kind.DAY_OFF:
            return False
        if kind == DayOffTransfer.Kind.WORKING_DAY:
            return True
        return package_is_working_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (the deadline of an n-working-day term).

        The term runs from the day after ``start``, the day of the event itself
        not counted. With ``n == 0`` the result is ``start`` when it is a working
        day and the next working day otherwise, so the result is always a
        working day.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; 0 if ``end <= start``.

        ``working_days_between(d, add_working_days(d, n)) == n`` for every n >= 1.
        """
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count


def _transfers_cache_key() -> str:
    # The database name keeps a test database and the development one apart
    # when they share a cache.
    return f"core:day-off-transfers:v1:{connection.settings_dict['NAME']}"


def _load_transfers() -> dict[dt.date, str]:
    in_transaction = connection.in_atomic_block
    key = _transfers_cache_key()
    if not in_transaction:
        cached = cache.get(key)
        if cached is not None:
            return cached
    transfers = dict(DayOffTransfer.objects.values_list("date", "kind"))
    if not in_transaction:
        cache.set(key, transfers, TRANSFERS_CACHE_SECONDS)
    return transfers


def forget_day_off_transfers() -> None:
    """Drop the cached transfers now and again when the current transaction commits."""
    key = _transfers_cache_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def working_calendar() -> WorkingCalendar:
    """A snapshot of the calendar with the current transfers table."""
    return WorkingCalendar(transfers=_load_transfers())


def is_working_day(day: dt.date) -> bool:
    return working_calendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return working_calendar().next_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return working_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return working_calendar().working_days_between(start, end)
