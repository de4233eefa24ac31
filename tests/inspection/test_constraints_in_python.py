"""Check constraints evaluated in Python (core.constraints) agree with PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db.models import CheckConstraint, Q

from core.constraints import validate_constraints, violates
from inspection import models

pytestmark = pytest.mark.django_db

D1, D2 = datetime.date(2026, 3, 1), datetime.date(2026, 3, 5)
DATES = (None, D1, D2)


def database_says_broken(constraint: CheckConstraint, obj) -> bool:
    against = obj._get_field_expression_map(meta=obj._meta)
    return not Q(constraint.condition).check(against)


def cases():
    for eliminated, detected in itertools.product(DATES, DATES):
        yield models.Violation(description="x", detected_on=detected, eliminated_on=eliminated)
    for due, issued in itertools.product(DATES, DATES):
        yield models.InspectionOrder(number="1", issued_on=issued, due_on=due)
    for amount in (Decimal("-1"), Decimal("0"), Decimal("0.01"), None):
        yield models.Fine(imposed_on=D1, amount_kzt=amount)
    for workers in (-1, 0, 1, None):
        yield models.Removal(removed_on=D1, workers=workers)
    for kato, region in itertools.product(
        ("750000000", "75000000", "75000000a", "١٢٣٤٥٦٧٨٩", None), ("75", "11")
    ):
        yield models.Accident(kato=kato, region_id=region, occurred_on=D1)
    for bin_, iin, kind, completed in itertools.product(
        (None, "990540000011"), (None, "900101300011"), ("unscheduled", "nonsense"), DATES
    ):
        yield models.Inspection(
            subject_bin=bin_, subject_iin=iin, kind=kind, started_on=D2, completed_on=completed
        )


def test_python_evaluation_of_every_check_constraint_agrees_with_postgresql():
    compared = 0
    for obj in cases():
        for constraint in obj._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                assert violates(constraint, obj, set()) == database_says_broken(constraint, obj), (
                    constraint.name,
                    obj.__dict__,
                )
                compared += 1
    assert compared > 60


def test_a_broken_row_gets_the_constraints_message_without_asking_the_database(
    django_assert_num_queries,
):
    violation = models.Violation(description="x", detected_on=D2, eliminated_on=D1)

    with django_assert_num_queries(0), pytest.raises(Exception) as caught:
        validate_constraints(violation, ["inspection"])

    assert "violation_eliminated_after_detected" in str(caught.value)


def test_an_excluded_field_skips_its_constraint_as_django_does():
    violation = models.Violation(description="x", detected_on=D2, eliminated_on=D1)

    validate_constraints(violation, ["inspection", "eliminated_on"])
