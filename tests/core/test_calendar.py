"""The working-day calendar: public holidays of Kazakhstan, a holiday on a weekend
moving the day off to the next working day, government transfers (from the
``holidays`` package and from the ``DayOffTransfer`` table), and the deadlines
counted in working days (seed 001 cl. 25.4: 3; cl. 23.4 and 46: 7; cl. 32: 15).

Expected dates were worked out by hand from the published calendars.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from core import calendar
from core.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_calendar,
    working_days_between,
)
from core.models import DayOffTransfer

D = dt.date


@pytest.fixture(autouse=True)
def _no_cached_transfers():
    # The cache outlives test transactions; start and end every test without it.
    cache.delete(calendar._transfers_cache_key())
    yield
    cache.delete(calendar._transfers_cache_key())


def days_off(start: dt.date, end: dt.date) -> list[dt.date]:
    cal = working_calendar()
    day, out = start, []
    while day <= end:
        if not cal.is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


# --- Public holidays and their weekend rule --------------------------------


@pytest.mark.django_db
def test_nauryz_2025_friday_to_sunday_moves_two_days_off_to_monday_and_tuesday():
    # 21 March 2025 is a Friday: 22 and 23 fall on the weekend, so Monday 24 and
    # Tuesday 25 are days off; work resumes on Wednesday 26.
    assert D(2025, 3, 21).weekday() == 4
    assert days_off(D(2025, 3, 20), D(2025, 3, 26)) == [
        D(2025, 3, 21),
        D(2025, 3, 22),
        D(2025, 3, 23),
        D(2025, 3, 24),
        D(2025, 3, 25),
    ]
    assert is_working_day(D(2025, 3, 20)) and is_working_day(D(2025, 3, 26))


@pytest.mark.django_db
def test_nauryz_2026_saturday_to_monday_moves_two_days_off_to_tuesday_and_wednesday():
    # 21 March 2026 is a Saturday: 21 and 22 fall on the weekend, 23 is Monday,
    # so Tuesday 24 and Wednesday 25 are days off too.
    assert D(2026, 3, 21).weekday() == 5
    assert days_off(D(2026, 3, 20), D(2026, 3, 26)) == [
        D(2026, 3, 21),
        D(2026, 3, 22),
        D(2026, 3, 23),
        D(2026, 3, 24),
        D(2026, 3, 25),
    ]
    assert next_working_day(D(2026, 3, 20)) == D(2026, 3, 26)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("holiday", "day_off_moved_to"),
    [
        (D(2023, 12, 16), D(2023, 12, 18)),  # Independence Day, Saturday -> Monday
        (D(2023, 5, 7), D(2023, 5, 8)),  # Defender of the Fatherland Day, Sunday -> Monday
        (D(2026, 5, 9), D(2026, 5, 11)),  # Victory Day, Saturday -> Monday
        (D(2026, 3, 8), D(2026, 3, 9)),  # International Women's Day, Sunday -> Monday
        (D(2027, 5, 1), D(2027, 5, 3)),  # Unity Day, Saturday -> Monday
    ],
)
def test_holiday_on_a_weekend_moves_the_day_off_to_the_next_working_day(holiday, day_off_moved_to):
    assert holiday.weekday() >= 5
    assert day_off_moved_to.weekday() == 0
    assert not is_working_day(holiday)
    assert not is_working_day(day_off_moved_to)
    friday_before = holiday - dt.timedelta(days=holiday.weekday() - 4)
    assert is_working_day(friday_before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "monday_after",
    [
        D(2024, 1, 8),  # Orthodox Christmas, Sunday 7 January 2024
        D(2024, 6, 17),  # Kurban ait, Sunday 16 June 2024
    ],
)
def test_religious_holiday_on_a_weekend_does_not_move(monday_after):
    assert not is_working_day(monday_after - dt.timedelta(days=1))
    assert is_working_day(monday_after)


@pytest.mark.django_db
def test_ordinary_weekdays_work_and_weekends_rest():
    assert is_working_day(D(2025, 11, 12))  # a Wednesday with no holiday
    assert not is_working_day(D(2025, 11, 15))  # Saturday
    assert not is_working_day(D(2025, 11, 16))  # Sunday


# --- Government transfers ---------------------------------------------------


@pytest.mark.django_db
def test_government_transfer_known_to_the_package_makes_a_saturday_a_working_day():
    # 2024: the day off of Saturday 4 May moved to Wednesday 8 May.
    assert is_working_day(D(2024, 5, 4))
    assert not is_working_day(D(2024, 5, 8))
    # 2025: the day off of Sunday 5 January moved to Friday 3 January.
    assert is_working_day(D(2025, 1, 5))
    assert not is_working_day(D(2025, 1, 3))


@pytest.mark.django_db
def test_day_off_transfer_row_makes_a_weekday_a_day_off():
    # From Wednesday 6 May 2026, 3 working days: 7 May is Defender's Day, 8 May
    # works, 9-10 weekend, 11 May is Victory Day's day off, then 12 and 13.
    start = D(2026, 5, 6)
    assert add_working_days(start, 3) == D(2026, 5, 13)
    DayOffTransfer.objects.create(
        date=D(2026, 5, 8), kind=DayOffTransfer.Kind.DAY_OFF, basis="test decree"
    )
    assert not is_working_day(D(2026, 5, 8))
    assert add_working_days(start, 3) == D(2026, 5, 14)


@pytest.mark.django_db
def test_day_off_transfer_row_makes_a_saturday_a_working_day():
    # Friday 3 July 2026: Monday 6 July is Capital Day, so the next working day
    # is Tuesday 7 July, unless Saturday 4 July is made a working day.
    assert add_working_days(D(2026, 7, 3), 1) == D(2026, 7, 7)
    DayOffTransfer.objects.create(date=D(2026, 7, 4), kind=DayOffTransfer.Kind.WORKING_DAY)
    assert is_working_day(D(2026, 7, 4))
    assert add_working_days(D(2026, 7, 3), 1) == D(2026, 7, 4)


@pytest.mark.django_db
def test_day_off_transfer_row_overrides_the_package_both_ways():
    # A wrongly estimated holiday can be corrected: the package's estimate of
    # Kurban ait 2026 (a Wednesday) made a working day, another date a day off.
    estimated = D(2026, 5, 27)
    assert not is_working_day(estimated)
    DayOffTransfer.objects.create(date=estimated, kind=DayOffTransfer.Kind.WORKING_DAY)
    DayOffTransfer.objects.create(date=D(2026, 5, 26), kind=DayOffTransfer.Kind.DAY_OFF)
    assert is_working_day(estimated)
    assert not is_working_day(D(2026, 5, 26))


@pytest.mark.django_db
def test_deleting_a_day_off_transfer_row_restores_the_package_calendar():
    row = DayOffTransfer.objects.create(date=D(2026, 7, 4), kind=DayOffTransfer.Kind.WORKING_DAY)
    assert is_working_day(D(2026, 7, 4))
    row.delete()
    assert not is_working_day(D(2026, 7, 4))


# --- Deadlines --------------------------------------------------------------


@pytest.mark.django_db
def test_cl25_4_notice_within_3_working_days_skips_nauryz():
    # Accident learned of on Thursday 20 March 2025: 26, 27, 28 March.
    assert add_working_days(D(2025, 3, 20), 3) == D(2025, 3, 28)


@pytest.mark.django_db
def test_cl23_4_cl46_decision_within_7_working_days_over_nauryz_2026():
    # Documents complete on Friday 20 March 2026: 26, 27, 30, 31 March, 1, 2, 3 April.
    assert add_working_days(D(2026, 3, 20), 7) == D(2026, 4, 3)


@pytest.mark.django_db
def test_cl32_first_annuity_payment_within_15_working_days():
    # Signed on Monday 17 March 2025: 18-20 March, then 26 March onwards
    # (5 days off for Nauryz), the 15th working day is Thursday 10 April.
    assert add_working_days(D(2025, 3, 17), 15) == D(2025, 4, 10)


@pytest.mark.django_db
def test_working_days_over_new_year_2026():
    # From Tuesday 30 December 2025: 31 December; 1-2 January are New Year,
    # 3-4 the weekend; 5, 6 January; 7 January is Orthodox Christmas.
    assert add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 6)
    assert add_working_days(D(2025, 12, 30), 7) == D(2026, 1, 13)


@pytest.mark.django_db
def test_working_days_over_new_year_2025_count_the_transferred_sunday():
    # From Monday 30 December 2024: 31 December; 1-2 January New Year, 3 January
    # a transferred day off; Sunday 5 January 2025 a working day; then Monday 6.
    assert add_working_days(D(2024, 12, 30), 2) == D(2025, 1, 5)
    assert add_working_days(D(2024, 12, 30), 3) == D(2025, 1, 6)


@pytest.mark.django_db
def test_add_zero_working_days_is_the_day_itself_when_it_is_a_working_day():
    assert add_working_days(D(2025, 3, 20), 0) == D(2025, 3, 20)


@pytest.mark.django_db
def test_add_zero_working_days_on_a_day_off_is_the_next_working_day():
    assert add_working_days(D(2025, 3, 22), 0) == D(2025, 3, 26)
    assert add_working_days(D(2025, 11, 15), 0) == D(2025, 11, 17)


@pytest.mark.django_db
def test_term_counted_from_a_day_off_starts_on_the_next_day():
    # Event on Saturday 22 March 2025: the first working day after it is 26 March.
    assert add_working_days(D(2025, 3, 22), 1) == D(2025, 3, 26)


@pytest.mark.django_db
def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 20), -1)


@pytest.mark.django_db
def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2025, 3, 20), D(2025, 3, 28)) == 3
    assert working_days_between(D(2025, 3, 20), D(2025, 3, 25)) == 0
    assert working_days_between(D(2025, 3, 28), D(2025, 3, 20)) == 0
    assert working_days_between(D(2025, 3, 20), D(2025, 3, 20)) == 0


@pytest.mark.django_db
def test_working_days_between_inverts_add_working_days():
    cal = working_calendar()
    start = D(2024, 12, 1)
    for n in range(1, 60):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


# --- Snapshot and cache -----------------------------------------------------


@pytest.mark.django_db
def test_one_snapshot_answers_without_further_queries(django_assert_num_queries):
    DayOffTransfer.objects.create(date=D(2026, 5, 8), kind=DayOffTransfer.Kind.DAY_OFF)
    with django_assert_num_queries(1):
        cal = working_calendar()
    with django_assert_num_queries(0):
        assert cal.add_working_days(D(2026, 5, 6), 3) == D(2026, 5, 14)
        assert not cal.is_working_day(D(2026, 5, 8))


@pytest.mark.django_db(transaction=True)
def test_transfers_are_cached_outside_transactions_and_forgotten_on_save(
    django_assert_num_queries,
):
    assert is_working_day(D(2026, 5, 8))
    with django_assert_num_queries(0):
        assert is_working_day(D(2026, 5, 8))
    row = DayOffTransfer.objects.create(date=D(2026, 5, 8), kind=DayOffTransfer.Kind.DAY_OFF)
    assert not is_working_day(D(2026, 5, 8))
    with django_assert_num_queries(0):
        assert not is_working_day(D(2026, 5, 8))
    DayOffTransfer.objects.create(date=D(2026, 7, 4), kind=DayOffTransfer.Kind.WORKING_DAY)
    assert is_working_day(D(2026, 7, 4))
    row.delete()
    assert is_working_day(D(2026, 5, 8))
    with django_assert_num_queries(0):
        assert is_working_day(D(2026, 7, 4))
