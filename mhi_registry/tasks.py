"""Celery jobs of the MHI registry (scheduled in config/celery.py). Thin and idempotent.

- ``refresh_statuses``: drain the refresh queue filled by loads (safe to run twice).
- ``rebuild_status_store``: a group of ``rebuild_status_chunk`` tasks, one per IIN
  prefix, shared by however many workers listen; a chunk run twice writes the
  same rows (and counts the extra run in ``RebuildChunk.runs``).
- ``cluster_payment_partitions``: monthly, the closed payment partitions rewritten in IIN
  order, so the rebuild reads each chunk's payments from a few consecutive pages.
- ``import_security_forces_inbox``: the daily pick-up of security-forces lists,
  whose file names carry the authority (``mhi_security_forces_AUTH_YYYYMMDD[_N].csv``).
"""

from __future__ import annotations

import socket
from typing import Any

from celery import group, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.feeds import FeedRefused
from core.feeds.inbox import PROCESSED, REFUSED, _move, inbox_dir
from core.feeds.pipeline import INBOX_LOCK_NAMESPACE, try_feed_lock

from . import partitions, store
from .feeds import SECURITY_FEED, import_security_file, security_file_name
from .models import Rebuild

HOUR = 60 * 60
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(
    name="mhi_registry.tasks.refresh_statuses",
    soft_time_limit=2 * HOUR,
    time_limit=2 * HOUR + 300,
    **RETRY,
)
def refresh_statuses() -> int:
    """Recompute the stored status of every queued person; returns how many."""
    return store.refresh_pending()


@shared_task(name="mhi_registry.tasks.rebuild_status_chunk", soft_time_limit=HOUR, **RETRY)
def rebuild_status_chunk(rebuild_id: int, prefix: str) -> int:
    return store.rebuild_chunk(
        rebuild_id=rebuild_id, prefix=prefix, worker=rebuild_status_chunk.request.hostname or ""
    )


@shared_task(name="mhi_registry.tasks.finish_rebuild")
def finish_rebuild(_results: list[int], rebuild_id: int) -> int:
    Rebuild.objects.filter(pk=rebuild_id).update(finished_at=timezone.now())
    return sum(_results)


@shared_task(name="mhi_registry.tasks.rebuild_status_store")
def rebuild_status_store() -> int:
    """Start a full rebuild as a chord of chunk tasks; returns the rebuild's id."""
    rebuild = store.start_rebuild()
    chunks = group(rebuild_status_chunk.s(rebuild.pk, prefix) for prefix in store.all_prefixes())
    (chunks | finish_rebuild.s(rebuild.pk)).delay()
    return rebuild.pk


@shared_task(
    name="mhi_registry.tasks.cluster_payment_partitions",
    soft_time_limit=4 * HOUR,
    time_limit=4 * HOUR + 300,
    **RETRY,
)
def cluster_payment_partitions() -> list[str]:
    """Monthly: keep the payment partitions of the last thirteen months in IIN order
    (``partitions.cluster_payment_partitions``); safe to run twice."""
    return partitions.cluster_payment_partitions(before=store.today())


@shared_task(
    name="mhi_registry.tasks.import_security_forces_inbox",
    soft_time_limit=HOUR,
    **RETRY,
)
def import_security_forces_inbox() -> dict[str, Any]:
    """Load the new lists in delivery order (date, then N); refused files are moved aside."""
    result: dict[str, Any] = {"feed": SECURITY_FEED, "files": [], "host": socket.gethostname()}
    folder = inbox_dir(SECURITY_FEED)
    if not folder.is_dir():
        return result
    with try_feed_lock(SECURITY_FEED, INBOX_LOCK_NAMESPACE) as taken:
        if not taken:
            result["skipped"] = "another run is processing this inbox"
            return result
        files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"]
        parsed = {p: security_file_name(p.name) for p in files}
        order = sorted(files, key=lambda p: (parsed[p] is not None, parsed[p] and parsed[p][1:]))
        for path in order:
            try:
                summary = import_security_file(path)
            except FeedRefused as exc:
                _move(path, REFUSED)
                result["files"].append({"file": path.name, "status": "refused", "error": str(exc)})
                continue
            _move(path, PROCESSED)
            result["files"].append({"status": "loaded", **summary.as_dict()})
            if summary.duplicate_file:
                result["files"][-1]["status"] = "repeated"
    return result
