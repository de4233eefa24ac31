"""The monthly job (config/celery.py "monthly-forms") and the generate_forms command."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reports.models import FormVersion
from reports.periods import due_on, previous_month
from reports.tasks import generate_monthly_forms


def test_previous_month():
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert previous_month(date(2026, 3, 31)) == date(2026, 2, 1)


def test_seed003_forms_are_due_by_the_third_of_the_next_month():
    assert due_on(date(2025, 12, 1)) == date(2026, 1, 3)
    assert due_on(date(2026, 2, 1)) == date(2026, 3, 3)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_monthly_job_through_a_real_worker_makes_drafts_once(celery_worker_process, records):
    accident = records.accident("75", occurred_on=date(2025, 10, 3), outcomes=("light",))

    first = generate_monthly_forms.apply_async(kwargs={"period": "2025-10"}).get(timeout=120)
    again = generate_monthly_forms.apply_async(kwargs={"period": "2025-10"}).get(timeout=120)

    assert [(r["form"], r["version"], r["status"], r["created"]) for r in first] == [
        ("1-meizhm", 1, "draft", True),
        ("2-ozh", 1, "draft", True),
    ]
    assert [r["created"] for r in again] == [False, False]
    versions = FormVersion.objects.order_by("form")
    assert [(v.form, v.number, v.source, v.generated_by) for v in versions] == [
        ("1-meizhm", 1, "celery", None),
        ("2-ozh", 1, "celery", None),
    ]
    ozh = versions.get(form="2-ozh")
    assert next(r for r in ozh.rows if r["kato"] == "750000000")["values"]["2"] == 1

    # A victim's outcome is an input of 2-ӨЖ only: the next run makes its version 2.
    accident.victims.update(outcome="fatal")
    third = generate_monthly_forms.apply_async(kwargs={"period": "2025-10"}).get(timeout=120)
    assert [(r["form"], r["version"], r["created"]) for r in third] == [
        ("1-meizhm", 1, False),
        ("2-ozh", 2, True),
    ]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_monthly_job_without_arguments_generates_the_previous_month(celery_worker_process):
    result = generate_monthly_forms.delay().get(timeout=120)

    expected = previous_month(timezone.localdate()).strftime("%Y-%m")
    assert {r["period"] for r in result} == {expected}
    assert FormVersion.objects.filter(status="draft").count() == 2


@pytest.mark.django_db
def test_generate_forms_prints_one_json_line_per_form(records):
    records.accident("75", occurred_on=date(2025, 10, 3), outcomes=("light", "light"))
    out = StringIO()

    call_command("generate_forms", "--period", "2025-10", stdout=out)
    call_command("generate_forms", "--period", "2025-10", "--form", "2-ozh", stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [
        {
            "form": "1-meizhm",
            "period": "2025-10",
            "version": 1,
            "status": "draft",
            "kind": "regular",
            "checks_failed": 0,
        },
        {
            "form": "2-ozh",
            "period": "2025-10",
            "version": 1,
            "status": "draft",
            "kind": "regular",
            "checks_failed": 0,
        },
        {
            "form": "2-ozh",
            "period": "2025-10",
            "version": 2,
            "status": "draft",
            "kind": "regular",
            "checks_failed": 0,
        },
    ]
    assert FormVersion.objects.get(form="2-ozh", number=1).source == "command"


@pytest.mark.django_db
def test_generate_forms_rejects_a_bad_period():
    with pytest.raises(CommandError, match="from 01 to 12"):
        call_command("generate_forms", "--period", "2025-13")
    with pytest.raises(CommandError, match="current one"):
        call_command("generate_forms", "--period", "2090-01")
    assert not FormVersion.objects.exists()
