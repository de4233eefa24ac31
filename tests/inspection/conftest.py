"""Fixtures for the inspection tests: inspectors of two regions, a chief inspector and
valid request bodies."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import bad_check_digit, iin_bin

EMPLOYER_BIN = iin_bin("99034000001")
OTHER_BIN = iin_bin("99034000002")
PERSON_IIN = iin_bin("85010130000")
VICTIM_IIN = iin_bin("90051240000")
BAD_CHECK_DIGIT_BIN = bad_check_digit(EMPLOYER_BIN)

START = datetime.date(2026, 3, 2)


@pytest.fixture
def inspector(make_user):
    """An inspector of Almaty city (region 75)."""
    return make_user("inspector", region="75")


@pytest.fixture
def other_inspector(make_user):
    """An inspector of Astana (region 71)."""
    return make_user("inspector", region="71")


@pytest.fixture
def chief(make_user):
    return make_user("chief_inspector")


def inspection_body(**overrides) -> dict:
    """A valid POST inspections/ body (INTERFACES.md § Inspection) in region 75."""
    body = {
        "region": "75",
        "subject_bin": EMPLOYER_BIN,
        "kind": "unscheduled",
        "started_on": "2026-03-02",
        "completed_on": "2026-03-20",
        "violations": [
            {"description": "No guard on the press", "detected_on": "2026-03-03"},
            {
                "description": "No safety briefing log",
                "detected_on": "2026-03-03",
                "eliminated_on": "2026-03-15",
            },
        ],
        "orders": [{"number": "Н-17", "issued_on": "2026-03-04", "due_on": "2026-04-04"}],
        "fines": [{"imposed_on": "2026-03-10", "amount_kzt": "196600.00"}],
        "suspensions": [{"kind": "equipment", "suspended_on": "2026-03-04"}],
        "removals": [{"removed_on": "2026-03-04", "workers": 3}],
        "referrals": [{"sent_on": "2026-03-21"}],
        "criminal_cases": [{"opened_on": "2026-03-25"}],
    }
    body.update(overrides)
    return body


def accident_body(**overrides) -> dict:
    """A valid POST accidents/ body (INTERFACES.md § Inspection) in region 75."""
    body = {
        "kato": "751110000",
        "occurred_on": "2026-03-05",
        "employer_bin": EMPLOYER_BIN,
        "description": "Fall from scaffolding",
        "victims": [
            {"iin": VICTIM_IIN, "full_name": "Асқаров Ерлан", "outcome": "severe"},
            {"full_name": "John Smith", "outcome": "light"},
        ],
        "investigation": {
            "region": "75",
            "by_state_inspector": True,
            "completed_on": "2026-03-30",
            "referrals": [{"sent_on": "2026-04-01"}],
            "criminal_cases": [
                {"opened_on": "2026-04-10", "persons_prosecuted": 2, "prosecuted_on": "2026-05-20"}
            ],
        },
    }
    body.update(overrides)
    return body


def service_kwargs(body: dict) -> dict:
    """The API body as the services take it: ISO dates become dates, amounts Decimals."""
    from decimal import Decimal

    def convert(key, value):
        if isinstance(value, dict):
            return {k: convert(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(key, v) for v in value]
        if isinstance(value, str) and (key.endswith("_on")):
            return datetime.date.fromisoformat(value)
        if key == "amount_kzt":
            return Decimal(value)
        return value

    return {k: convert(k, v) for k, v in body.items()}


def stored(record) -> dict:
    """A record and its child lists as the API shows them, read afresh: compare two reads
    to prove a refused write changed nothing."""
    from inspection import selectors
    from inspection.serializers import output_serializer
    from inspection.shapes import ACCIDENT, INSPECTION

    shape = INSPECTION if record._meta.model_name == "inspection" else ACCIDENT
    queryset = getattr(selectors, f"{shape.key}_queryset")()
    return output_serializer(shape)(queryset.get(pk=record.pk)).data
