"""Counting rules of both forms (INTERFACES.md § Report JSON and counting rules).

Every test places records inside the reporting month, just outside it (the
last day of the previous month, the first day of the next) and in another
region, so that a wrong date field or a wrong region path changes a figure.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Region
from reports.selectors import form_compute

OCT = date(2025, 10, 1)
IN = date(2025, 10, 15)
FIRST = date(2025, 10, 1)
LAST = date(2025, 10, 31)
BEFORE = date(2025, 9, 30)
AFTER = date(2025, 11, 1)

A, A_KATO = "75", "750000000"  # Almaty city
B, B_KATO = "11", "110000000"  # Akmola region


def figures(form: str, period: date = OCT) -> tuple[dict, dict]:
    computed = form_compute(form=form, period=period)
    return {row["kato"]: row["values"] for row in computed.rows}, computed.total["values"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "columns"),
    [("1-meizhm", [str(n) for n in range(2, 18)]), ("2-ozh", [str(n) for n in range(2, 9)])],
)
def test_all_20_regions_in_kato_order_then_total(form, columns):
    computed = form_compute(form=form, period=OCT)

    expected = list(Region.objects.order_by("kato").values_list("kato", "name_kk", "name_ru"))
    assert len(expected) == 20
    assert [(r["kato"], r["region_kk"], r["region_ru"]) for r in computed.rows] == expected
    assert [r["kato"] for r in computed.rows] == sorted(r["kato"] for r in computed.rows)
    for row in computed.rows:
        assert list(row["values"]) == columns
    assert list(computed.total["values"]) == columns
    zero = {c: ("0.0" if (form, c) == ("1-meizhm", "9") else 0) for c in columns}
    assert computed.total["values"] == zero


@pytest.mark.django_db
def test_meizhm_cols_2_to_4_inspections_counted_by_completed_on_only_when_completed(records):
    records.inspection(A, kind="preventive_control", completed_on=FIRST)
    records.inspection(A, kind="unscheduled", completed_on=LAST)
    records.inspection(A, kind="special_order", completed_on=IN)
    records.inspection(A, kind="unscheduled", started_on=IN)  # in progress: not counted
    records.inspection(A, kind="unscheduled", started_on=BEFORE, completed_on=BEFORE)
    records.inspection(A, kind="preventive_control", started_on=IN, completed_on=AFTER)
    records.inspection(B, kind="unscheduled", started_on=date(2025, 8, 1), completed_on=IN)

    rows, total = figures("1-meizhm")

    assert (rows[A_KATO]["2"], rows[A_KATO]["3"], rows[A_KATO]["4"]) == (3, 1, 1)
    assert (rows[B_KATO]["2"], rows[B_KATO]["3"], rows[B_KATO]["4"]) == (1, 0, 1)
    assert (total["2"], total["3"], total["4"]) == (4, 1, 2)


@pytest.mark.django_db
def test_meizhm_cols_5_6_violations_by_detected_on_and_eliminated_on(records):
    in_progress = records.inspection(A, started_on=BEFORE)  # not completed: still counted
    records.violation(in_progress, detected_on=FIRST, eliminated_on=LAST)  # 5 and 6
    records.violation(in_progress, detected_on=BEFORE, eliminated_on=FIRST)  # 6 only
    records.violation(in_progress, detected_on=LAST, eliminated_on=AFTER)  # 5 only
    records.violation(in_progress, detected_on=BEFORE)  # neither
    records.violation(in_progress, detected_on=AFTER)  # neither
    other = records.inspection(B, completed_on=BEFORE)
    records.violation(other, detected_on=IN)

    rows, total = figures("1-meizhm")

    assert (rows[A_KATO]["5"], rows[A_KATO]["6"]) == (2, 2)
    assert (rows[B_KATO]["5"], rows[B_KATO]["6"]) == (1, 0)
    assert (total["5"], total["6"]) == (3, 2)


@pytest.mark.django_db
def test_meizhm_col_7_orders_by_issued_on(records):
    inspection = records.inspection(A, completed_on=AFTER)
    records.order(inspection, issued_on=FIRST)
    records.order(inspection, issued_on=LAST)
    records.order(inspection, issued_on=BEFORE)
    records.order(inspection, issued_on=AFTER)
    records.order(records.inspection(B), issued_on=IN)

    rows, total = figures("1-meizhm")

    assert rows[A_KATO]["7"] == 2
    assert rows[B_KATO]["7"] == 1
    assert total["7"] == 3


@pytest.mark.django_db
def test_meizhm_cols_8_9_fines_by_imposed_on_amount_in_thousand_tenge(records):
    inspection = records.inspection(A)
    records.fine(inspection, imposed_on=FIRST, amount="100000.00")
    records.fine(inspection, imposed_on=LAST, amount="20500.00")
    records.fine(inspection, imposed_on=BEFORE, amount="999999.00")
    records.fine(inspection, imposed_on=AFTER, amount="777777.00")
    records.fine(records.inspection(B), imposed_on=IN, amount="3000.00")

    rows, total = figures("1-meizhm")

    assert (rows[A_KATO]["8"], rows[A_KATO]["9"]) == (2, "120.5")
    assert (rows[B_KATO]["8"], rows[B_KATO]["9"]) == (1, "3.0")
    assert (total["8"], total["9"]) == (3, "123.5")


@pytest.mark.django_db
def test_meizhm_cols_10_to_12_suspensions_by_kind_and_suspended_on(records):
    inspection = records.inspection(A)
    records.suspension(inspection, "equipment", FIRST)
    records.suspension(inspection, "equipment", LAST)
    records.suspension(inspection, "facility", IN)
    records.suspension(inspection, "organisation", IN)
    records.suspension(inspection, "organisation", BEFORE)
    records.suspension(inspection, "facility", AFTER)
    records.suspension(records.inspection(B), "organisation", IN)

    rows, total = figures("1-meizhm")

    assert [rows[A_KATO][c] for c in ("10", "11", "12")] == [2, 1, 1]
    assert [rows[B_KATO][c] for c in ("10", "11", "12")] == [0, 0, 1]
    assert [total[c] for c in ("10", "11", "12")] == [2, 1, 2]


@pytest.mark.django_db
def test_meizhm_col_13_workers_summed_over_removals_by_removed_on(records):
    inspection = records.inspection(A)
    records.removal(inspection, FIRST, 3)
    records.removal(inspection, LAST, 4)
    records.removal(inspection, BEFORE, 50)
    records.removal(inspection, AFTER, 60)
    records.removal(records.inspection(B), IN, 2)

    rows, total = figures("1-meizhm")

    assert rows[A_KATO]["13"] == 7
    assert rows[B_KATO]["13"] == 2
    assert total["13"] == 9


@pytest.mark.django_db
def test_meizhm_col_14_investigations_by_state_inspectors_by_completed_on_in_their_region(
    records,
):
    # The row is the investigation's region, even when the accident is elsewhere.
    accident_in_b = records.accident(B, occurred_on=date(2025, 9, 20))
    records.investigation(accident_in_b, region=A, completed_on=FIRST)
    records.investigation(records.accident(A, occurred_on=IN), completed_on=LAST)
    records.investigation(
        records.accident(A, occurred_on=IN), by_state_inspector=False, completed_on=IN
    )
    records.investigation(records.accident(A, occurred_on=IN))  # not completed
    records.investigation(records.accident(A, occurred_on=BEFORE), completed_on=BEFORE)
    records.investigation(records.accident(A, occurred_on=IN), completed_on=AFTER)

    rows, total = figures("1-meizhm")

    assert rows[A_KATO]["14"] == 2
    assert rows[B_KATO]["14"] == 0
    assert total["14"] == 2


@pytest.mark.django_db
def test_meizhm_col_15_referrals_from_inspections_and_investigations_by_sent_on(records):
    inspection = records.inspection(A)
    records.referral(FIRST, inspection=inspection)
    records.referral(BEFORE, inspection=inspection)
    investigation_b = records.investigation(records.accident(A, occurred_on=IN), region=B)
    records.referral(LAST, investigation=investigation_b)  # row B: the investigation's region
    records.referral(AFTER, investigation=investigation_b)
    investigation_a = records.investigation(records.accident(A, occurred_on=IN))
    records.referral(IN, investigation=investigation_a)

    rows, total = figures("1-meizhm")

    assert rows[A_KATO]["15"] == 2
    assert rows[B_KATO]["15"] == 1
    assert total["15"] == 3


@pytest.mark.django_db
def test_meizhm_cols_16_17_criminal_cases_and_persons_prosecuted(records):
    inspection_a = records.inspection(A)
    investigation_a = records.investigation(records.accident(A, occurred_on=BEFORE))
    investigation_b = records.investigation(records.accident(B, occurred_on=BEFORE))
    # 16 counts cases of both parents by opened_on.
    records.criminal_case(FIRST, inspection=inspection_a)
    records.criminal_case(LAST, investigation=investigation_a)
    records.criminal_case(BEFORE, inspection=inspection_a)
    records.criminal_case(AFTER, investigation=investigation_a)
    # 17 sums persons prosecuted on investigations' cases by prosecuted_on.
    records.criminal_case(
        date(2025, 6, 1), investigation=investigation_a, persons=2, prosecuted_on=IN
    )
    records.criminal_case(
        date(2025, 6, 1), investigation=investigation_a, persons=7, prosecuted_on=AFTER
    )
    records.criminal_case(
        date(2025, 6, 1), inspection=inspection_a, persons=5, prosecuted_on=IN
    )  # an inspection's case: not in 17
    records.criminal_case(IN, investigation=investigation_b, persons=1, prosecuted_on=LAST)

    rows, total = figures("1-meizhm")

    assert (rows[A_KATO]["16"], rows[A_KATO]["17"]) == (2, 2)
    assert (rows[B_KATO]["16"], rows[B_KATO]["17"]) == (1, 1)
    assert (total["16"], total["17"]) == (3, 3)


@pytest.mark.django_db
def test_ozh_col_2_accidents_by_region_of_kato_and_occurred_on(records):
    records.accident(A, occurred_on=FIRST)
    records.accident(A, occurred_on=LAST)
    records.accident(A, occurred_on=BEFORE)
    records.accident(A, occurred_on=AFTER)
    records.accident(B, occurred_on=IN)

    rows, total = figures("2-ozh")

    assert rows[A_KATO]["2"] == 2
    assert rows[B_KATO]["2"] == 1
    assert total["2"] == 3


@pytest.mark.django_db
def test_ozh_cols_3_5_group_accidents_have_two_or_more_victims(records):
    records.accident(A, occurred_on=IN, outcomes=("light", "severe"))  # group of 2
    records.accident(A, occurred_on=IN, outcomes=("light", "light", "fatal"))  # group of 3
    records.accident(A, occurred_on=IN, outcomes=("moderate",))  # single
    records.accident(A, occurred_on=BEFORE, outcomes=("light", "light"))  # other month
    records.accident(B, occurred_on=IN, outcomes=("fatal", "fatal"))

    rows, total = figures("2-ozh")

    assert [rows[A_KATO][c] for c in ("2", "3", "4", "5")] == [3, 2, 6, 5]
    assert [rows[B_KATO][c] for c in ("2", "3", "4", "5")] == [1, 1, 2, 2]
    assert [total[c] for c in ("2", "3", "4", "5")] == [4, 3, 8, 7]


@pytest.mark.django_db
def test_ozh_cols_6_to_8_victims_by_outcome(records):
    records.accident(A, occurred_on=FIRST, outcomes=("light", "moderate", "severe"))
    records.accident(A, occurred_on=LAST, outcomes=("fatal",))
    records.accident(A, occurred_on=AFTER, outcomes=("fatal", "light"))
    records.accident(B, occurred_on=IN, outcomes=("severe",))

    rows, total = figures("2-ozh")

    assert [rows[A_KATO][c] for c in ("4", "6", "7", "8")] == [4, 2, 1, 1]
    assert [rows[B_KATO][c] for c in ("4", "6", "7", "8")] == [1, 0, 1, 0]
    assert [total[c] for c in ("4", "6", "7", "8")] == [5, 2, 2, 1]
