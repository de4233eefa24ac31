"""Consistency checks stored with every version (reports.checks)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from reports.checks import run_checks
from reports.selectors import form_compute
from reports.services import form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 12)
A_KATO = "750000000"


def _by_code(checks: list[dict]) -> dict[str, dict]:
    return {c["code"]: c for c in checks}


def _result(check: dict, row: str) -> dict:
    return next(r for r in check["results"] if r["row"] == row)


@pytest.fixture
def consistent_month(records):
    inspection = records.inspection("75", kind="preventive_control", completed_on=IN)
    records.inspection("75", kind="unscheduled", completed_on=IN)
    records.violation(inspection, detected_on=IN, eliminated_on=IN)
    older = records.inspection("75", completed_on=date(2025, 8, 20))
    records.violation(older, detected_on=date(2025, 8, 20), eliminated_on=IN)
    accident = records.accident("75", occurred_on=date(2025, 3, 3), outcomes=("light",))
    records.investigation(accident, completed_on=IN)
    records.accident("11", occurred_on=IN, outcomes=("light", "fatal", "severe"))


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["1-meizhm", "2-ozh"])
def test_checks_pass_on_consistent_data(consistent_month, form):
    version = form_generate(form=form, period=OCT, source="command").version

    assert version.checks_failed == 0
    assert all(check["passed"] for check in version.checks)
    for check in version.checks:
        assert len(check["results"]) == 21  # 20 regions and the total
        assert check["results"][-1]["row"] == "total"


@pytest.mark.django_db
def test_meizhm_6_within_5_plus_violations_open_at_month_start(consistent_month):
    checks = _by_code(form_generate(form="1-meizhm", period=OCT, source="command").version.checks)

    result = _result(checks["meizhm_6_within_5_and_open"], A_KATO)
    # 2 eliminated in October = 1 detected in October + 1 open since August.
    assert result == {"row": A_KATO, "passed": True, "left": 2, "right": 2}


@pytest.mark.django_db
def test_meizhm_14_within_2_ozh_accidents_year_to_date_by_region_and_total(records):
    # An investigation completed in October in region 75 of an accident of the previous
    # year: no accident of 2025 in the region, so the check fails there and in the total.
    accident = records.accident("75", occurred_on=date(2024, 12, 28))
    records.investigation(accident, completed_on=IN)
    records.accident("11", occurred_on=date(2025, 1, 5))  # January counts for region 11
    records.investigation(records.accident("11", occurred_on=date(2025, 11, 2)))

    computed = form_compute(form="1-meizhm", period=OCT)
    check = _by_code(
        run_checks(
            form="1-meizhm",
            rows=computed.rows,
            total=computed.total,
            measures=computed.measures,
        )
    )["meizhm_14_within_accidents_ytd"]

    assert _result(check, A_KATO) == {"row": A_KATO, "passed": False, "left": 1, "right": 0}
    assert _result(check, "110000000") == {
        "row": "110000000",
        "passed": True,
        "left": 0,
        "right": 1,
    }
    assert _result(check, "total") == {"row": "total", "passed": True, "left": 1, "right": 1}
    assert check["passed"] is False


def _crafted(form: str, values: dict) -> tuple[list[dict], dict]:
    columns = [str(n) for n in range(2, 18 if form == "1-meizhm" else 9)]
    zero = {c: ("0.0" if (form, c) == ("1-meizhm", "9") else 0) for c in columns}
    rows = [
        {"kato": "100000000", "region_kk": "", "region_ru": "", "values": copy.deepcopy(zero)},
        {"kato": A_KATO, "region_kk": "", "region_ru": "", "values": {**zero, **values}},
    ]
    return rows, {"values": {**zero, **values}}


def test_ozh_checks_flag_crafted_inconsistent_rows():
    # 4 != 6+7+8, 3 > 2, 5 > 4, 5 < 2*3.
    rows, total = _crafted("2-ozh", {"2": 1, "3": 2, "4": 3, "5": 3, "6": 1, "7": 0, "8": 1})

    checks = _by_code(run_checks(form="2-ozh", rows=rows, total=total, measures={}))

    assert _result(checks["ozh_4_is_6_7_8"], A_KATO) == {
        "row": A_KATO,
        "passed": False,
        "left": 3,
        "right": 2,
    }
    assert _result(checks["ozh_3_within_2"], A_KATO)["passed"] is False
    assert _result(checks["ozh_5_within_4"], A_KATO)["passed"] is True  # 3 <= 3
    assert _result(checks["ozh_5_at_least_twice_3"], A_KATO) == {
        "row": A_KATO,
        "passed": False,
        "left": 3,
        "right": 4,
    }
    rows, total = _crafted("2-ozh", {"4": 1, "5": 2, "6": 1})
    checks = _by_code(run_checks(form="2-ozh", rows=rows, total=total, measures={}))
    assert _result(checks["ozh_5_within_4"], "total") == {
        "row": "total",
        "passed": False,
        "left": 2,
        "right": 1,
    }
    # The untouched region passes every check.
    for check in checks.values():
        assert _result(check, "100000000")["passed"] is True


def test_meizhm_checks_flag_crafted_inconsistent_rows():
    rows, total = _crafted("1-meizhm", {"2": 3, "3": 2, "4": 2, "5": 1, "6": 4, "14": 2})
    measures = {
        "open_at_start": {A_KATO: 2, "total": 2},
        "accidents_ytd": {A_KATO: 1, "total": 1},
    }

    checks = _by_code(run_checks(form="1-meizhm", rows=rows, total=total, measures=measures))

    assert _result(checks["meizhm_3_4_within_2"], A_KATO) == {
        "row": A_KATO,
        "passed": False,
        "left": 4,
        "right": 3,
    }
    assert _result(checks["meizhm_6_within_5_and_open"], A_KATO) == {
        "row": A_KATO,
        "passed": False,
        "left": 4,
        "right": 3,
    }
    assert _result(checks["meizhm_14_within_accidents_ytd"], "total") == {
        "row": "total",
        "passed": False,
        "left": 2,
        "right": 1,
    }
    assert all(not c["passed"] for c in checks.values())
