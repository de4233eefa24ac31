"""The annuity run, scheduled daily by beat (config/celery.py "annuity-monthly-run").

It runs every day so that a payment is flagged missed the day after its due
date; a month's work is done by the first run of the month and the later runs
only add what fell due since.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .run import monthly_run


@shared_task(
    name="annuity.tasks.annuity_monthly_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=15 * 60,
)
def annuity_monthly_run(on: str | None = None) -> dict:
    """Run for ``on`` (YYYY-MM-DD; default today). Idempotent."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return monthly_run(on=day)
