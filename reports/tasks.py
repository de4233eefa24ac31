"""The monthly job: the previous month's two forms as drafts, on the 1st (config/celery.py)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .definitions import FORMS
from .models import VersionSource
from .periods import parse_period, previous_month
from .services import form_generate


@shared_task(
    name="reports.tasks.generate_monthly_forms",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
)
def generate_monthly_forms(period: str | None = None) -> list[dict]:
    """Generate both forms of ``period`` (YYYY-MM; default: the previous month) as drafts.

    Idempotent: a form whose latest (or final) version was made from the same
    inputs is left as it is, so a retried or repeated run adds nothing.
    """
    month = parse_period(period) if period else previous_month(timezone.localdate())
    results = []
    for form in FORMS:
        result = form_generate(
            form=form, period=month, source=VersionSource.CELERY, only_if_changed=True
        )
        results.append(
            {
                "form": form,
                "period": result.version.period_label,
                "version": result.version.number,
                "status": result.version.status,
                "created": result.created,
            }
        )
    return results
