"""The inbox of a feed: ``FEED_INBOX_ROOT/<feed>/``, where external systems drop files.

Files (``*.csv``; a file still being written must carry another suffix until
renamed) are loaded in order of delivery date, then ``N`` (FEEDS.md). A
loaded or duplicate file moves to ``processed/``, a refused one to
``refused/``. A file whose load fails stays in place and stops the run, so
later deliveries never overtake it; the next run retries it. Running twice is
harmless: a file loaded but not yet moved is found to be a duplicate.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings

from .files import FeedRefused, parse_file_name
from .pipeline import INBOX_LOCK_NAMESPACE, import_feed_file, try_feed_lock
from .registry import get_feed

logger = logging.getLogger(__name__)

PROCESSED = "processed"
REFUSED = "refused"


def inbox_dir(feed_name: str) -> Path:
    return Path(settings.FEED_INBOX_ROOT) / feed_name


def delivery_order(path: Path) -> tuple:
    """Delivery date, then N; misnamed files first (they are refused at once)."""
    parsed = parse_file_name(path.name)
    if parsed is None:
        return (0, "", 0, path.name)
    return (1, parsed.delivered_on.isoformat(), parsed.sequence, path.name)


def pending_files(feed_name: str) -> list[Path]:
    folder = inbox_dir(feed_name)
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")
    ]
    return sorted(files, key=delivery_order)


def _move(path: Path, folder_name: str) -> None:
    target_dir = path.parent / folder_name
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    counter = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{counter}{path.suffix}"
        counter += 1
    try:
        path.rename(target)
    except FileNotFoundError:  # moved meanwhile by another run
        pass


def process_inbox(*, feed: str) -> dict[str, Any]:
    """Load the new files of ``feed``'s inbox. Returns what happened to each file."""
    declared = get_feed(feed)
    result: dict[str, Any] = {"feed": declared.name, "files": []}
    with try_feed_lock(declared.name, INBOX_LOCK_NAMESPACE) as taken:
        if not taken:
            result["skipped"] = "another run is processing this inbox"
            return result
        for path in pending_files(declared.name):
            if not path.exists():
                continue
            try:
                summary = import_feed_file(feed=declared, path=path)
            except FeedRefused as exc:
                _move(path, REFUSED)
                result["files"].append({"file": path.name, "status": "refused", "error": str(exc)})
                logger.warning("feed %s: file %s refused", declared.name, path.name)
                continue
            _move(path, PROCESSED)
            status = "duplicate" if summary.duplicate_file else "loaded"
            result["files"].append({"status": status, **summary.as_dict()})
    return result
