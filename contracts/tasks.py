"""Daily job of the contracts app (scheduled in config/celery.py): the violators scan.

Thin and idempotent: the scan writes only what changed, so a rerun or a
redelivery after a lost worker writes nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .services.scan import scan_violators

HOUR = 60 * 60


@shared_task(
    name="contracts.tasks.scan_violators",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=2 * HOUR,
    time_limit=2 * HOUR + 300,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=5,
)
def scan_violators_task(on: str | None = None) -> dict[str, Any]:
    """Update the tracked cases for ``on`` (ISO date; default today)."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return scan_violators(on=day).as_dict()
