"""1-МЕИЖМ column 9: thousand tenge, one decimal, half-up from the unrounded sum,
for each region and separately for the total (INTERFACES.md § Report JSON)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.selectors import form_compute, thousands_half_up

IN = date(2025, 10, 10)


@pytest.mark.parametrize(
    ("tenge", "expected"),
    [
        ("1250.00", "1.3"),  # half-up, not half-even (1.2)
        ("1249.99", "1.2"),
        ("50.00", "0.1"),
        ("49.99", "0.0"),
        ("150.00", "0.2"),
        ("250.00", "0.3"),
        ("0", "0.0"),
        ("123456789.95", "123456.8"),
    ],
)
def test_col9_thousand_tenge_rounded_half_up(tenge, expected):
    assert thousands_half_up(Decimal(tenge)) == expected


@pytest.mark.django_db
def test_col9_total_is_rounded_from_the_unrounded_sum_not_summed_from_rounded_rows(records):
    # Three regions of 1 050 tenge: each 1.05 -> "1.1"; the total 3.15 -> "3.2", not 3.3.
    for region in ("11", "15", "19"):
        records.fine(records.inspection(region), imposed_on=IN, amount="1050.00")

    computed = form_compute(form="1-meizhm", period=date(2025, 10, 1))
    by_kato = {row["kato"]: row["values"]["9"] for row in computed.rows}

    assert by_kato["110000000"] == by_kato["150000000"] == by_kato["190000000"] == "1.1"
    assert by_kato["750000000"] == "0.0"
    assert computed.total["values"]["9"] == "3.2"
    assert sum(Decimal(v) for v in by_kato.values()) == Decimal("3.3")


@pytest.mark.django_db
def test_col9_region_is_rounded_from_the_sum_of_its_fines(records):
    # 25.00 + 25.00 = 0.05 thousand -> "0.1"; each alone would round to 0.0.
    inspection = records.inspection("23")
    records.fine(inspection, imposed_on=IN, amount="25.00")
    records.fine(inspection, imposed_on=IN, amount="25.00")
    records.fine(records.inspection("27"), imposed_on=IN, amount="1249.99")

    computed = form_compute(form="1-meizhm", period=date(2025, 10, 1))
    by_kato = {row["kato"]: row["values"]["9"] for row in computed.rows}

    assert by_kato["230000000"] == "0.1"
    assert by_kato["270000000"] == "1.2"
    assert computed.total["values"]["9"] == "1.3"  # 1 299.99 tenge
