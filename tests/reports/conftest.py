"""Builders of inspection and accident records for the report tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.validators import check_digit
from inspection.models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionOrder,
    Investigation,
    Referral,
    Removal,
    Suspension,
    Victim,
    Violation,
)


def valid_bin(serial: int) -> str:
    """A BIN with a correct check digit (resident legal entity)."""
    n = serial
    while True:
        first = f"0101400{n:04d}"[-11:]
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        n += 1


class Records:
    """Short constructors of the source records the forms count."""

    def __init__(self) -> None:
        self.serial = 0

    def inspection(
        self,
        region: str = "75",
        *,
        kind: str = "unscheduled",
        started_on: date = date(2025, 9, 1),
        completed_on: date | None = None,
    ) -> Inspection:
        self.serial += 1
        return Inspection.objects.create(
            region_id=region,
            subject_bin=valid_bin(self.serial),
            kind=kind,
            started_on=min(started_on, completed_on) if completed_on else started_on,
            completed_on=completed_on,
        )

    def violation(self, inspection, detected_on: date, eliminated_on: date | None = None):
        return Violation.objects.create(
            inspection=inspection,
            description="v",
            detected_on=detected_on,
            eliminated_on=eliminated_on,
        )

    def order(self, inspection, issued_on: date):
        self.serial += 1
        return InspectionOrder.objects.create(
            inspection=inspection, number=f"N-{self.serial}", issued_on=issued_on
        )

    def fine(self, inspection, imposed_on: date, amount: str | Decimal):
        return Fine.objects.create(
            inspection=inspection, imposed_on=imposed_on, amount_kzt=Decimal(amount)
        )

    def suspension(self, inspection, kind: str, suspended_on: date):
        return Suspension.objects.create(
            inspection=inspection, kind=kind, suspended_on=suspended_on
        )

    def removal(self, inspection, removed_on: date, workers: int):
        return Removal.objects.create(inspection=inspection, removed_on=removed_on, workers=workers)

    def accident(
        self,
        region: str = "75",
        *,
        occurred_on: date,
        outcomes: tuple[str, ...] = ("light",),
    ) -> Accident:
        self.serial += 1
        accident = Accident.objects.create(
            kato=f"{region}0000000",
            region_id=region,
            occurred_on=occurred_on,
            employer_bin=valid_bin(self.serial),
            description="a",
        )
        for i, outcome in enumerate(outcomes):
            Victim.objects.create(accident=accident, full_name=f"Victim {i}", outcome=outcome)
        return accident

    def investigation(
        self,
        accident,
        *,
        region: str | None = None,
        by_state_inspector: bool = True,
        completed_on: date | None = None,
    ) -> Investigation:
        return Investigation.objects.create(
            accident=accident,
            region_id=region or accident.region_id,
            by_state_inspector=by_state_inspector,
            completed_on=completed_on,
        )

    def referral(self, sent_on: date, *, inspection=None, investigation=None):
        return Referral.objects.create(
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
        return CriminalCase.objects.create(
            opened_on=opened_on,
            inspection=inspection,
            investigation=investigation,
            persons_prosecuted=persons,
            prosecuted_on=prosecuted_on,
        )


@pytest.fixture
def records(db) -> Records:
    return Records()
