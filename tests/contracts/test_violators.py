"""Employment contracts, coverage and violators on a day (DOMAIN.md §1; seed 002)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from contracts import coverage, selectors
from contracts.models import EmploymentContract
from core.models import Organisation

from .esutd_rows import BRANCH_BIN, HEAD_BIN, IE_IIN, IINS, OTHER_BIN, employment, osns

pytestmark = pytest.mark.django_db

D = dt.date(2025, 6, 1)


def violators(on=D, region=None) -> dict[str, dict]:
    page = selectors.violators_page(on=on, region=region, limit=1000, offset=0)
    return {row["employer_bin"]: row for row in page.rows}


def test_seed002_esutd_feed_loads_versions_and_registers_employers(load_esutd):
    summary, rejections = load_esutd(
        [
            employment(),
            employment(employer_bin=BRANCH_BIN, head_bin=HEAD_BIN, contract_number="Ф-1"),
        ]
    )
    assert (summary.loaded, summary.rejected, rejections) == (2, 0, [])
    again, _ = load_esutd([employment(terminated_on="2025-05-01")], day="20250302")
    assert (again.loaded, again.unchanged) == (1, 0)
    versions = EmploymentContract.objects.filter(employer_bin=HEAD_BIN).order_by("version")
    assert [(v.version, v.is_current, v.terminated_on) for v in versions] == [
        (1, False, None),
        (2, True, dt.date(2025, 5, 1)),
    ]
    head = Organisation.objects.get(bin=HEAD_BIN)
    assert (head.kind, head.region_id, head.oked) == ("employer", "75", "41201")
    assert Organisation.objects.filter(bin=BRANCH_BIN).exists()


def test_seed002_esutd_period_ending_before_its_start_is_rejected_and_the_rest_loads(load_esutd):
    summary, rejections = load_esutd(
        [
            employment(ends_on="2024-12-31"),
            employment(contract_number="ТД-2", employee_iin=IINS[1][:11] + "x"),
            employment(contract_number="ТД-3"),
        ]
    )
    assert (summary.rows, summary.loaded, summary.rejected) == (3, 1, 2)
    assert [(r[0], r[1]) for r in rejections] == [(2, "ends_on"), (3, "employee_iin")]


def test_seed002_employer_with_an_active_employment_contract_and_no_cover_is_a_violator(
    load_esutd,
):
    load_esutd(
        [
            employment(employee_iin=IINS[0], contract_number="1"),
            employment(employee_iin=IINS[0], contract_number="2"),  # same person twice
            employment(employee_iin=IINS[1], contract_number="3"),
            employment(employee_iin=IINS[2], contract_number="4", terminated_on="2025-06-01"),
            employment(employee_iin=IINS[3], contract_number="5", ends_on="2025-05-31"),
            employment(employee_iin=IINS[4], contract_number="6", starts_on="2025-06-02"),
        ]
    )
    row = violators()[HEAD_BIN]
    # Employees are distinct IINs of contracts active on D.
    assert row["employees_on_date"] == 2
    assert row["region"] == "75"
    assert row["last_cover_ends_on"] is None


def test_seed002_an_individual_entrepreneur_without_hired_workers_is_not_obliged(load_esutd):
    load_esutd([employment(employer_bin=IE_IIN, terminated_on="2025-03-01")])
    assert IE_IIN not in violators()
    assert IE_IIN in violators(on=dt.date(2025, 2, 1))


def test_dom1_covered_on_d_by_own_contract_only_between_start_and_end(load_esutd):
    load_esutd([employment()])
    osns(HEAD_BIN, "2025-01-01", "2025-05-31")
    assert HEAD_BIN in violators()  # cover ended the day before D
    assert violators()[HEAD_BIN]["last_cover_ends_on"] == dt.date(2025, 5, 31)
    assert HEAD_BIN not in violators(on=dt.date(2025, 5, 31))
    osns(HEAD_BIN, "2025-06-01", "2026-05-31")
    assert HEAD_BIN not in violators()


def test_dom1_terminated_contract_stops_covering_on_terminated_on(load_esutd):
    load_esutd([employment()])
    osns(HEAD_BIN, "2025-01-01", "2025-12-31", terminated_on=D, termination_reason="court")
    assert HEAD_BIN in violators()
    assert violators()[HEAD_BIN]["last_cover_ends_on"] == dt.date(2025, 5, 31)
    assert HEAD_BIN not in violators(on=dt.date(2025, 5, 31))


def test_dom1_a_branch_is_covered_by_its_heads_contract(load_esutd):
    load_esutd(
        [
            employment(employer_bin=BRANCH_BIN, head_bin=HEAD_BIN, contract_number="Ф-1"),
            employment(employer_bin=OTHER_BIN, contract_number="O-1"),
        ]
    )
    assert set(violators()) == {BRANCH_BIN, OTHER_BIN}
    osns(HEAD_BIN, "2025-01-01", "2025-12-31")
    assert set(violators()) == {OTHER_BIN}


def test_dom1_a_few_employers_judged_alone_are_covered_by_their_heads_contract(load_esutd):
    # A page of the list judges only its employers (here not the head), reading only
    # their own and their heads' contracts: the same answer as the whole list.
    load_esutd(
        [
            employment(employer_bin=BRANCH_BIN, head_bin=HEAD_BIN, contract_number="Ф-1"),
            employment(employer_bin=OTHER_BIN, contract_number="O-1"),
            employment(contract_number="H-1"),
        ]
    )
    osns(HEAD_BIN, "2025-01-01", "2025-12-31")
    with connection.cursor() as cursor:
        cursor.execute(
            coverage.violators_sql(only_bins=True),
            {"on": D, "bins": [BRANCH_BIN, OTHER_BIN]},
        )
        judged = {row[0] for row in cursor.fetchall()}
        cursor.execute(coverage.violators_sql(), {"on": D})
        whole = {row[0] for row in cursor.fetchall()}
    assert judged == whole == {OTHER_BIN}


def test_seed002_violators_are_computed_for_any_date_from_facts_in_force_now(load_esutd):
    load_esutd([employment()], day="20250301")
    # A later delivery ends the contract: the past is judged by the current version too.
    load_esutd([employment(terminated_on="2025-02-01")], day="20250401")
    assert HEAD_BIN not in violators(on=dt.date(2025, 3, 1))
    assert HEAD_BIN in violators(on=dt.date(2025, 1, 15))


def test_seed002_violators_of_one_region(load_esutd):
    load_esutd(
        [
            employment(),
            employment(employer_bin=OTHER_BIN, employer_kato="711110000", contract_number="2"),
        ]
    )
    assert set(violators(region="71")) == {OTHER_BIN}
    assert set(violators(region="75")) == {HEAD_BIN}
