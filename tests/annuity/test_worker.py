"""The annuity run through a real Celery worker (config/celery.py "annuity-monthly-run")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from annuity import services
from annuity.models import MonthlyRun, PaymentStatus
from annuity.tasks import annuity_monthly_run

D = dt.date


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_cl54_monthly_run_through_a_real_worker_is_idempotent(celery_worker_process, story):
    claim = story.claim(story.event(story.contract(sum_insured=Decimal("1000000"))))
    annuity = services.annuity_create(
        insurer=claim.event.contract.insurer,
        claim=claim.id,
        documents_on=D(2026, 4, 6),
        signed_on=D(2026, 4, 10),
        signatory={"name": "A. Chair", "basis": "chairman"},
        monthly_amount_kzt=Decimal("50000"),
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 9, 30),
    )

    first = annuity_monthly_run.apply_async(kwargs={"on": "2026-06-02"}).get(timeout=120)
    again = annuity_monthly_run.apply_async(kwargs={"on": "2026-06-02"}).get(timeout=120)

    assert (first["marked_due"], first["flagged_missed"]) == (3, 2)
    assert (again["marked_due"], again["flagged_missed"]) == (0, 0)
    statuses = list(annuity.payments.values_list("status", flat=True))
    assert statuses.count(PaymentStatus.MISSED) == 2
    assert MonthlyRun.objects.get(month=D(2026, 6, 1)).flagged_missed == 2
