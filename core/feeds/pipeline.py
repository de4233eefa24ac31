"""The shared feed-import pipeline (FEEDS.md, "Common rules").

One file of one feed is loaded by ``import_feed_file``:

1. outside any transaction: the delivery date (file name or given), SHA-256,
   UTF-8 and header checks; an unusable file is refused and recorded;
2. under a per-feed PostgreSQL advisory lock (one load of a feed at a time,
   on any number of workers): attempts left ``loading`` by a dead process are
   closed as failed, and a file whose content was already loaded is recorded
   as a duplicate;
3. a ``FeedFile`` row is committed as ``loading`` (visible while it runs);
4. in ONE transaction: COPY into a staging table, type checks and row rules
   in SQL with every failure recorded, the last valid row per identity wins,
   new versions written where values changed, post-load hooks, and the
   ``FeedFile`` marked ``loaded`` - so a crash or kill leaves nothing or
   everything, and the content can be loaded only once;
5. a failure rolls the transaction back and is recorded on the ``FeedFile``
   (``failed``) outside it.

Call it outside any transaction (the command and the inbox task do), so the
``loading`` and ``failed`` records are committed on their own.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.models import FeedFile

from . import cells, sql
from .declarations import Feed, LoadContext
from .files import FeedRefused, PreparedFile, delivery_date, prepare_file, write_spool
from .partitions import insert_into_partitions
from .progress import Progress, ProgressCallback
from .registry import get_feed
from .statements import LoadStatements

logger = logging.getLogger(__name__)

# pg_advisory_lock(key1, key2) namespaces: "FEED" and "FINB" as 32-bit integers.
FEED_LOCK_NAMESPACE = 0x46454544
INBOX_LOCK_NAMESPACE = 0x46494E42

INTERRUPTED = gettext_noop(
    "Interrupted: the process loading this file ended before finishing; nothing of it was loaded."
)

# Sorts and hashes over a whole file (the identities of 2 000 000 rows, the stored versions
# they are compared with) fit in memory instead of spilling to disk; one load of a feed
# runs at a time.
WORK_MEM = "256MB"
# Building the fact table's indexes after a first delivery: one sort in memory each.
MAINTENANCE_WORK_MEM = "512MB"
# Temporary tables (the staging and checked rows) are kept in the backend's own buffers
# up to this size, then in files: bounded, whatever the size of the file.
TEMP_BUFFERS = "256MB"
# Bytes handed to COPY per read.
COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class FeedSummary:
    """The one-line summary of FEEDS.md: rows = loaded + unchanged + superseded + rejected;
    ``flagged`` counts loaded or unchanged rows carrying a flag."""

    feed: str
    file: str
    delivered_on: dt.date
    rows: int
    loaded: int
    unchanged: int
    superseded: int
    rejected: int
    duplicate_file: bool
    flagged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "file": self.file,
            "delivered_on": self.delivered_on.isoformat(),
            "rows": self.rows,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "superseded": self.superseded,
            "rejected": self.rejected,
            "flagged": self.flagged,
            "duplicate_file": self.duplicate_file,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)


def import_feed_file(
    *,
    feed: Feed | str,
    path: str | Path,
    delivered_on: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> FeedSummary:
    """Load one file of ``feed`` exactly once (see the module docstring).

    Raises ``FeedRefused`` when the file is unusable (nothing loaded, recorded
    as ``refused``); any other error is recorded as ``failed`` and re-raised.
    ``progress(step, rows_done, seconds)`` is called as the load moves; the
    ``FeedFile`` shows the same step and rows (committed apart, throttled).
    """
    feed = get_feed(feed) if isinstance(feed, str) else feed
    path = Path(path)
    prepared: PreparedFile | None = None
    delivered: dt.date | None = None
    try:
        try:
            delivered = delivery_date(feed, path.name, delivered_on)
            prepared = prepare_file(feed, path)
        except FeedRefused as exc:
            _record_refusal(feed, path, delivered, str(exc))
            raise
        with feed_lock(feed.name):
            close_interrupted_attempts(feed.name)
            original = (
                FeedFile.objects.filter(
                    feed=feed.name, sha256=prepared.sha256, status=FeedFile.Status.LOADED
                )
                .order_by("id")
                .first()
            )
            if original is not None:
                return _record_duplicate(feed, path, prepared, delivered, original)
            attempt = FeedFile.objects.create(
                feed=feed.name,
                file_name=path.name,
                sha256=prepared.sha256,
                size=prepared.size,
                delivered_on=delivered,
                status=FeedFile.Status.LOADING,
            )
            try:
                with Progress(attempt, callback=progress) as tracker:
                    summary = _load(feed, attempt, prepared, delivered, tracker)
            except FeedRefused as exc:
                _finish_attempt(attempt, FeedFile.Status.REFUSED, str(exc))
                raise
            except BaseException as exc:
                _finish_attempt(attempt, FeedFile.Status.FAILED, f"{type(exc).__name__}: {exc}")
                logger.error(
                    "feed %s: loading file %s failed (%s)",
                    feed.name,
                    attempt.pk,
                    type(exc).__name__,
                )
                raise
            logger.info("feed %s: file %s loaded %s", feed.name, attempt.pk, summary.as_dict())
            return summary
    finally:
        if prepared is not None:
            prepared.close()


@contextmanager
def feed_lock(feed_name: str, namespace: int = FEED_LOCK_NAMESPACE) -> Iterator[None]:
    """A session-level advisory lock per feed: waits for another load of the same feed.

    Held by the database session, it is released when that session ends, so a
    killed process never leaves it behind.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [namespace, feed_name])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", [namespace, feed_name]
                )
        except DatabaseError:  # the session is gone, and its lock with it
            logger.warning("feed %s: could not release the feed lock", feed_name)


@contextmanager
def try_feed_lock(feed_name: str, namespace: int) -> Iterator[bool]:
    """Like ``feed_lock`` but does not wait: yields whether the lock was taken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [namespace, feed_name])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, hashtext(%s))", [namespace, feed_name]
                    )
            except DatabaseError:
                logger.warning("feed %s: could not release the inbox lock", feed_name)


def close_interrupted_attempts(feed_name: str) -> int:
    """Under the feed lock, an attempt still ``loading`` belongs to a process that died."""
    return FeedFile.objects.filter(feed=feed_name, status=FeedFile.Status.LOADING).update(
        status=FeedFile.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )


def _record_refusal(feed: Feed, path: Path, delivered_on: dt.date | None, error: str) -> None:
    try:
        FeedFile.objects.create(
            feed=feed.name,
            file_name=path.name[:255],
            delivered_on=delivered_on,
            status=FeedFile.Status.REFUSED,
            error=error,
            finished_at=timezone.now(),
        )
    except DatabaseError:
        logger.exception("feed %s: could not record a refused file", feed.name)


def _record_duplicate(
    feed: Feed, path: Path, prepared: PreparedFile, delivered: dt.date, original: FeedFile
) -> FeedSummary:
    summary = FeedSummary(
        feed.name, path.name, delivered, 0, 0, 0, 0, 0, duplicate_file=True, flagged=0
    )
    FeedFile.objects.create(
        feed=feed.name,
        file_name=path.name,
        sha256=prepared.sha256,
        size=prepared.size,
        delivered_on=delivered,
        status=FeedFile.Status.DUPLICATE,
        duplicate_of=original,
        summary=summary.as_dict(),
        finished_at=timezone.now(),
    )
    logger.info("feed %s: file %s is a duplicate of %s", feed.name, path.name, original.pk)
    return summary


def _finish_attempt(attempt: FeedFile, status: str, error: str) -> None:
    """Record the outcome outside the rolled-back transaction (best effort)."""
    try:
        FeedFile.objects.filter(pk=attempt.pk).update(
            status=status, error=error, finished_at=timezone.now()
        )
    except DatabaseError:
        logger.exception(
            "feed %s: could not record the outcome of file %s", attempt.feed, attempt.pk
        )


class _BatchReader:
    """The checked rows as COPY reads them, made by a thread of their own while
    PostgreSQL takes the previous batch (the two run on separate cores)."""

    def __init__(self, batches: Iterator[tuple[int, bytes]], tracker: Progress) -> None:
        self.tracker = tracker
        self.rows = 0
        self.buffer = memoryview(b"")
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._produce, args=(batches,), daemon=True)
        self.stopped = threading.Event()
        self.thread.start()

    def _produce(self, batches: Iterator[tuple[int, bytes]]) -> None:
        try:
            for item in batches:
                while not self.stopped.is_set():
                    try:
                        self.queue.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if self.stopped.is_set():
                    return
            self.queue.put(None)
        except BaseException as exc:  # handed to the reading side
            self.queue.put(exc)

    def read(self, size: int = -1) -> bytes:
        while not self.buffer:
            item = self.queue.get()
            if item is None:
                return b""
            if isinstance(item, BaseException):
                raise item
            rows, data = item
            self.rows += rows
            self.tracker.rows(self.rows)
            self.buffer = memoryview(data)
        size = len(self.buffer) if size is None or size < 0 else size
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return bytes(chunk)

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - COPY uses read
        raise NotImplementedError

    def close(self) -> None:
        self.stopped.set()
        while self.thread.is_alive():
            try:
                self.queue.get(timeout=0.1)
            except queue.Empty:
                pass
        self.thread.join()


def _load(
    feed: Feed, attempt: FeedFile, prepared: PreparedFile, delivered: dt.date, tracker: Progress
) -> FeedSummary:
    statements = LoadStatements(
        feed,
        prepared.columns,
        attempt.pk,
        delivered,
        header_width=prepared.header_width,
        positions=prepared.positions,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL application_name = %s", [f"import_feed:{feed.name}"[:63]])
        if connection.pg_version >= 140000:
            # A backend whose client was killed stops at once instead of finishing its query.
            cursor.execute("SET LOCAL client_connection_check_interval = '1s'")
        # Sorts and hashes over a whole file stay in memory up to this, then spill to disk.
        cursor.execute("SET LOCAL work_mem = %s", [WORK_MEM])
        cursor.execute("SET LOCAL maintenance_work_mem = %s", [MAINTENANCE_WORK_MEM])
        # The load's statements run once each: compiling them costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        # Has effect only before the session's first temporary table (a fresh process).
        cursor.execute("SET LOCAL temp_buffers = %s", [TEMP_BUFFERS])
        timings: dict[str, float] = {}

        def run(label: str, statement: str) -> None:
            started = time.perf_counter()
            cursor.execute(statement)
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - started

        tracker.step("copy")
        started = time.perf_counter()
        staged = _stage(cursor, statements, prepared, tracker)
        timings["copy"] = time.perf_counter() - started
        # SQL steps report the rows they work on when they start (one statement each).
        tracker.step("check", staged)
        rules = statements.apply_rules()
        if rules:
            run("check", rules)
        run("check", statements.analyze_checked())
        tracker.step("rejections", staged)
        run("rejections", statements.rejections())
        if feed.file_rules:
            run("file_rules", statements.file_rules())
            for rule, passed in zip(feed.file_rules, cursor.fetchone(), strict=True):
                if not passed:
                    raise FeedRefused(gettext(sql.source_text(rule.reason)))
        tracker.step("versions", staged)
        if feed.partition_by:
            run("versions", statements.key_bounds())
            low, high = cursor.fetchone()
            statements.key_range = (low, high) if low is not None else None
        for statement in statements.winners():
            run("winners", statement)
        facts_exist = False
        if statements.key_range is not None or not feed.partition_by:
            run("versions", statements.facts_exist())
            facts_exist = cursor.fetchone()[0]
        for label, statement in statements.versions(facts_exist=facts_exist):
            run(label, statement)
        tracker.step("insert", staged)
        if feed.partition_by:
            run("insert", statements.partition_keys())
            days = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [statements.fact_table_name, statements.pk_column],
            )
            statements.pk_sequence = cursor.fetchone()[0]
            started = time.perf_counter()
            insert_into_partitions(
                cursor,
                table=statements.fact_table_name,
                key=statements.fact_column_name(feed.partition_by),
                source_key=feed.partition_by,
                days=days,
                interval=feed.partition_interval,
                insert=lambda target, condition: statements.insert(
                    None if target == statements.fact_table else target, condition
                ),
            )
            timings["insert"] = timings.get("insert", 0.0) + time.perf_counter() - started
        elif not facts_exist and _worth_building_indexes_after(cursor, statements, staged):
            started = time.perf_counter()
            with _indexes_built_after(cursor, statements):
                run("insert", statements.insert())
            timings["indexes"] = time.perf_counter() - started - timings["insert"]
        else:
            run("insert", statements.insert())
        if feed.flag_rules:
            run("flags", statements.flags())
        cursor.execute(statements.counts(facts_exist=facts_exist))
        rows, rejected, valid, superseded, new, flagged = cursor.fetchone()
        tracker.step("post_load", rows)
        context = LoadContext(
            feed=feed,
            feed_file=attempt,
            delivered_on=delivered,
            cursor=cursor,
            latest_delivery=not FeedFile.objects.filter(
                feed=feed.name, status=FeedFile.Status.LOADED, delivered_on__gt=delivered
            ).exists(),
        )
        started = time.perf_counter()
        for hook in feed.post_load:
            hook(context)
        timings["post_load"] = time.perf_counter() - started
        summary = FeedSummary(
            feed=feed.name,
            file=attempt.file_name,
            delivered_on=delivered,
            rows=rows,
            loaded=new,
            unchanged=valid - superseded - new,
            superseded=superseded,
            rejected=rejected,
            flagged=flagged,
            duplicate_file=False,
        )
        tracker.step("finish", rows)
        FeedFile.objects.filter(pk=attempt.pk).update(
            status=FeedFile.Status.LOADED,
            rows=summary.rows,
            loaded=summary.loaded,
            unchanged=summary.unchanged,
            superseded=summary.superseded,
            rejected=summary.rejected,
            flagged=summary.flagged,
            step="",
            rows_done=summary.rows,
            summary=summary.as_dict(),
            error="",
            finished_at=timezone.now(),
        )
        for statement in statements.drop():
            cursor.execute(statement)
    logger.debug(
        "feed %s: file %s seconds per step %s",
        feed.name,
        attempt.pk,
        {k: round(v, 3) for k, v in timings.items()},
    )
    logger.debug(
        "feed %s: file %s load seconds %.3f (checksum and header read included)",
        feed.name,
        attempt.pk,
        time.perf_counter() - prepared.started,
    )
    return summary


# A first delivery of at least this many records into an empty fact table builds the
# table's indexes after the insert (one sorted pass each) instead of row by row.
BUILD_INDEXES_AFTER_ROWS = 10_000


def _worth_building_indexes_after(cursor, statements: LoadStatements, staged: int) -> bool:
    if staged < BUILD_INDEXES_AFTER_ROWS:
        return False
    cursor.execute(statements.fact_is_empty())
    return cursor.fetchone()[0]


@contextmanager
def _indexes_built_after(cursor, statements: LoadStatements) -> Iterator[None]:
    """Drops the empty fact table's indexes (its primary key stays), then builds them again
    with their constraints, inside the load's transaction: a failure or a kill leaves the
    table as it was. The table is locked for the rest of the load (it held nothing)."""
    cursor.execute(statements.fact_table_indexes())
    indexes = cursor.fetchall()
    table = statements.fact_table
    sid = transaction.savepoint()
    try:
        for index, _definition, constraint, _constraint_definition in indexes:
            if constraint:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {index}")
    except DatabaseError:  # e.g. a foreign key of another table needs one of them
        transaction.savepoint_rollback(sid)
        yield
        return
    transaction.savepoint_commit(sid)
    yield
    for _index, definition, constraint, constraint_definition in indexes:
        if constraint:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {_quote(constraint)} {constraint_definition}"
            )
        else:
            cursor.execute(definition)
    # The planner's figures for the table were those of an empty one.
    cursor.execute(f"ANALYZE {table}")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _stage(cursor, statements: LoadStatements, prepared: PreparedFile, tracker: Progress) -> int:
    """Reads, trims and types every cell (``core.feeds.cells``) into ``feed_checked``.

    A file of one record per line is read as it is; when it turns out otherwise (a
    record wider or narrower than the header, a blank line, a quoted line break) the
    rows staged so far are undone (savepoint) and the file is read record by record
    in Python (``write_spool``) instead, so row numbers and rejections stay exact.
    Returns the records staged.
    """
    for statement in statements.stage():
        cursor.execute(statement)
    feed = statements.feed
    if prepared.copy_direct:
        sid = transaction.savepoint()
        reader = _BatchReader(
            cells.direct_batches(
                feed, prepared.path, prepared.columns, prepared.positions, prepared.header_width
            ),
            tracker,
        )
        try:
            cursor.copy_expert(statements.copy(), reader, COPY_CHUNK)
        except (cells.FileShapeError, DatabaseError, psycopg2.Error):
            transaction.savepoint_rollback(sid)
        else:
            if reader.rows == prepared.data_lines:
                transaction.savepoint_commit(sid)
                return reader.rows
            transaction.savepoint_rollback(sid)
        finally:
            reader.close()
    spool = write_spool(feed, prepared)
    reader = _BatchReader(cells.spool_batches(feed, Path(spool.name), prepared.columns), tracker)
    try:
        cursor.copy_expert(statements.copy(), reader, COPY_CHUNK)
    finally:
        reader.close()
    return prepared.records or 0
