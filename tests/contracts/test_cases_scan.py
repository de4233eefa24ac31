"""The daily scan keeps tracked cases of uninsured employers (seed 002: the list of
violators formed automatically for preventive control; DOMAIN.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from contracts.models import CaseEvent, CaseState, CoverageSnapshot, Notice, ViolatorCase
from contracts.services.cases import case_move, notice_issue
from contracts.services.scan import scan_violators
from contracts.tasks import scan_violators_task

from .esutd_rows import HEAD_BIN, IINS, OTHER_BIN, employment, osns

D = dt.date(2025, 6, 1)


def _row_versions() -> list:
    """Every row's (table, id, xmin) of the tables the scan writes: equal means nothing written."""
    rows = []
    with connection.cursor() as cursor:
        for model in (ViolatorCase, CaseEvent, CoverageSnapshot):
            cursor.execute(f"SELECT id, xmin::text FROM {model._meta.db_table} ORDER BY id")
            rows.append((model._meta.db_table, cursor.fetchall()))
    return rows


@pytest.mark.django_db
def test_seed002_scan_opens_a_case_with_its_evidence(load_esutd):
    load_esutd(
        [
            employment(employee_iin=IINS[0], contract_number="1"),
            employment(employee_iin=IINS[1], contract_number="2"),
            employment(employer_bin=OTHER_BIN, contract_number="3"),
        ]
    )
    old = osns(HEAD_BIN, "2024-01-01", "2024-12-31")
    covered = osns(OTHER_BIN, "2025-01-01", "2025-12-31")
    summary = scan_violators(on=D)
    assert (summary.obliged, summary.violators, summary.opened) == (2, 1, 1)
    case = ViolatorCase.objects.get()
    assert (case.employer_bin, case.state, case.opened_on, case.region_id) == (
        HEAD_BIN, "open", D, "75",
    )  # fmt: skip
    assert (case.employees_on_date, case.employment_contracts) == (2, 2)
    assert case.last_cover_ends_on == dt.date(2024, 12, 31)
    assert case.evidence["osns_contracts"] == [old.pk]
    assert covered.pk not in case.evidence["osns_contracts"]
    event = case.events.get()
    assert (event.kind, event.by, event.to_state) == ("opened", None, "open")
    snapshot = CoverageSnapshot.objects.get(on=D, region_id="75")
    assert (snapshot.obliged, snapshot.covered) == (2, 1)


@pytest.mark.django_db
def test_seed002_rerun_on_unchanged_data_writes_nothing(load_esutd):
    load_esutd([employment(), employment(employer_bin=OTHER_BIN, contract_number="2")])
    scan_violators(on=D)
    before = _row_versions()
    again = scan_violators(on=D)
    assert (again.opened, again.updated, again.resolved, again.coverage_rows_written) == (
        0,
        0,
        0,
        0,
    )
    assert _row_versions() == before


@pytest.mark.django_db
def test_seed002_evidence_change_is_recorded_and_state_kept(load_esutd, make_user):
    load_esutd([employment()])
    scan_violators(on=D)
    case = ViolatorCase.objects.get()
    inspector = make_user("inspector", region="75")
    case_move(case=case, to_state=CaseState.PREVENTIVE_CONTROL, user=inspector)
    load_esutd([employment(contract_number="2", employee_iin=IINS[5])], day="20250302")
    summary = scan_violators(on=D)
    assert summary.updated == 1
    case.refresh_from_db()
    assert (case.state, case.employees_on_date) == ("preventive_control", 2)
    event = case.events.filter(kind="evidence").get()
    assert (event.details["before"]["employees"], event.details["after"]["employees"]) == (1, 2)


@pytest.mark.django_db
def test_seed002_case_resolves_when_cover_appears(load_esutd):
    load_esutd([employment()])
    scan_violators(on=D)
    osns(HEAD_BIN, "2025-06-01", "2026-05-31")
    assert scan_violators(on=D).resolved == 1
    case = ViolatorCase.objects.get()
    assert (case.state, case.resolution, case.resolved_on) == ("resolved", "covered", D)
    assert case.events.filter(kind="resolved", details__resolution="covered").exists()


@pytest.mark.django_db
def test_seed002_case_resolves_when_employees_are_gone_and_a_new_one_opens_later(load_esutd):
    load_esutd([employment()])
    scan_violators(on=D)
    load_esutd([employment(terminated_on="2025-06-10")], day="20250302")
    scan_violators(on=dt.date(2025, 6, 10))
    case = ViolatorCase.objects.get()
    assert (case.state, case.resolution) == ("resolved", "no_employees")
    load_esutd([employment(contract_number="2", starts_on="2025-07-01")], day="20250303")
    scan_violators(on=dt.date(2025, 7, 1))
    assert ViolatorCase.objects.filter(employer_bin=HEAD_BIN).count() == 2
    assert ViolatorCase.objects.exclude(state="resolved").get().opened_on == dt.date(2025, 7, 1)


@pytest.mark.django_db
def test_seed002_notice_moves_an_open_case_to_notified_and_records_who(load_esutd, make_user):
    load_esutd([employment()])
    scan_violators(on=D)
    case = ViolatorCase.objects.get()
    chief = make_user("chief_inspector")
    notice = notice_issue(case=case, user=chief, issued_on=dt.date(2025, 6, 2))
    case.refresh_from_db()
    assert case.state == "notified"
    assert notice.number.startswith("ЖОМС-75-2025-")
    assert (notice.issued_by, notice.employer_bin) == (chief, HEAD_BIN)
    assert notice.due_on > notice.issued_on
    event = case.events.get(kind="notice")
    assert (event.by, event.from_state, event.to_state) == (chief, "open", "notified")
    assert Notice.objects.count() == 1


@pytest.mark.django_db
def test_seed002_case_moves_follow_the_allowed_transitions(load_esutd, make_user):
    load_esutd([employment()])
    scan_violators(on=D)
    case = ViolatorCase.objects.get()
    user = make_user("chief_inspector")
    with pytest.raises(ValidationError) as error:
        case_move(case=case, to_state=CaseState.RESOLVED, user=user)
    assert "note" in error.value.message_dict
    case_move(case=case, to_state=CaseState.RESOLVED, user=user, note="ликвидирован")
    with pytest.raises(ValidationError) as error:
        case_move(case=case, to_state=CaseState.OPEN, user=user)
    assert "state" in error.value.message_dict


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_seed002_daily_scan_through_a_real_worker_is_idempotent(celery_worker_process, load_esutd):
    load_esutd([employment(), employment(employer_bin=OTHER_BIN, contract_number="2")])
    first = scan_violators_task.apply_async(kwargs={"on": D.isoformat()}).get(timeout=120)
    again = scan_violators_task.apply_async(kwargs={"on": D.isoformat()}).get(timeout=120)
    assert (first["violators"], first["opened"]) == (2, 2)
    assert (again["opened"], again["updated"], again["resolved"]) == (0, 0, 0)
    assert ViolatorCase.objects.count() == 2
    assert CaseEvent.objects.count() == 2
