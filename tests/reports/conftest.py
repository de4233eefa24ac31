"""Records for the report tests, built by the shared factories."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests import factories as f


class Records:
    """Short constructors of the source records the forms count (over tests.factories)."""

    def inspection(
        self,
        region: str = "75",
        *,
        kind: str = "unscheduled",
        started_on: date = date(2025, 9, 1),
        completed_on: date | None = None,
    ):
        started_on = min(started_on, completed_on) if completed_on else started_on
        return f.InspectionFactory(
            region_id=region, kind=kind, started_on=started_on, completed_on=completed_on
        )

    def violation(self, inspection, detected_on: date, eliminated_on: date | None = None):
        return f.ViolationFactory(
            inspection=inspection, detected_on=detected_on, eliminated_on=eliminated_on
        )

    def order(self, inspection, issued_on: date):
        return f.OrderFactory(inspection=inspection, issued_on=issued_on)

    def fine(self, inspection, imposed_on: date, amount: str | Decimal):
        return f.FineFactory(
            inspection=inspection, imposed_on=imposed_on, amount_kzt=Decimal(amount)
        )

    def suspension(self, inspection, kind: str, suspended_on: date):
        return f.SuspensionFactory(inspection=inspection, kind=kind, suspended_on=suspended_on)

    def removal(self, inspection, removed_on: date, workers: int):
        return f.RemovalFactory(inspection=inspection, removed_on=removed_on, workers=workers)

    def accident(self, region: str = "75", *, occurred_on: date, outcomes=("light",)):
        return f.AccidentFactory(region_id=region, occurred_on=occurred_on, outcomes=outcomes)

    def investigation(
        self,
        accident,
        *,
        region: str | None = None,
        by_state_inspector: bool = True,
        completed_on: date | None = None,
    ):
        return f.InvestigationFactory(
            accident=accident,
            region_id=region or accident.region_id,
            by_state_inspector=by_state_inspector,
            completed_on=completed_on,
        )

    def referral(self, sent_on: date, *, inspection=None, investigation=None):
        return f.ReferralFactory(
            sent_on=sent_on, inspection=inspection, investigation=investigation
        )

    def criminal_case(
        self,
        opened_on: date,
        *,
        inspection=None,
        investigation=None,
        persons: int | None = None,
        prosecuted_on: date | None = None,
    ):
        return f.CriminalCaseFactory(
            opened_on=opened_on,
            inspection=inspection,
            investigation=investigation,
            persons_prosecuted=persons,
            prosecuted_on=prosecuted_on,
        )


@pytest.fixture
def records(db) -> Records:
    return Records()
