"""Periodic jobs of core (scheduled in config/celery.py): health check and feed inboxes.

Both are thin and idempotent: a second run of ``import_feed_inbox`` finds
loaded files to be duplicates, and a killed run loads nothing (the load is one
transaction), so late acknowledgement with redelivery is safe.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.feeds.inbox import process_inbox
from core.health import health_report

HOUR = 60 * 60


@shared_task(name="core.tasks.health_check", soft_time_limit=30, time_limit=60)
def health_check() -> dict[str, Any]:
    """Whether the database and the broker answer, as seen from a worker."""
    return {**health_report(), "checked_at": timezone.now().isoformat()}


@shared_task(
    name="core.tasks.import_feed_inbox",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3 * HOUR,
    time_limit=3 * HOUR + 300,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    max_retries=5,
)
def import_feed_inbox(feed: str) -> dict[str, Any]:
    """Load the new files of the feed's inbox folder, oldest delivery first (FEEDS.md)."""
    return process_inbox(feed=feed)
