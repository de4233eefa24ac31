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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.models import FeedFile, FeedRejection

from . import sql
from .declarations import Feed
from .files import (
    PROBLEM_FIELD_COUNT,
    PROBLEM_NUL,
    FeedRefused,
    PreparedFile,
    delivery_date,
    prepare_file,
)
from .registry import get_feed

logger = logging.getLogger(__name__)

# pg_advisory_lock(key1, key2) namespaces: "FEED" and "FINB" as 32-bit integers.
FEED_LOCK_NAMESPACE = 0x46454544
INBOX_LOCK_NAMESPACE = 0x46494E42

INTERRUPTED = gettext_noop(
    "Interrupted: the process loading this file ended before finishing; nothing of it was loaded."
)

WORK_MEM = "64MB"

# Cells are trimmed of these (an all-blank cell is empty).
TRIMMED = sql.literal(" \t\r\n\f\v\u00a0\ufeff")

WORK_TABLES = ("feed_stage", "feed_typed", "feed_valid", "feed_win", "feed_prev", "feed_new")


@dataclass(frozen=True)
class FeedSummary:
    """The one-line summary of FEEDS.md: rows = loaded + unchanged + superseded + rejected."""

    feed: str
    file: str
    delivered_on: dt.date
    rows: int
    loaded: int
    unchanged: int
    superseded: int
    rejected: int
    duplicate_file: bool

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
            "duplicate_file": self.duplicate_file,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)


@dataclass
class LoadContext:
    """What a post-load hook gets, inside the load's transaction.

    ``valid_table``: every valid row of the file (``row_no`` and the typed
    columns by their declared names), superseded and unchanged ones included.
    ``new_table``: the rows written as new versions (typed columns, ``row_no``,
    ``version``, ``becomes_current``). ``latest_delivery``: no file of the feed
    with a later delivery date has been loaded.
    """

    feed: Feed
    feed_file: FeedFile
    delivered_on: dt.date
    cursor: Any
    latest_delivery: bool
    valid_table: str = "feed_valid"
    new_table: str = "feed_new"


def import_feed_file(
    *, feed: Feed | str, path: str | Path, delivered_on: dt.date | None = None
) -> FeedSummary:
    """Load one file of ``feed`` exactly once (see the module docstring).

    Raises ``FeedRefused`` when the file is unusable (nothing loaded, recorded
    as ``refused``); any other error is recorded as ``failed`` and re-raised.
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
                summary = _load(feed, attempt, prepared, delivered)
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
    summary = FeedSummary(feed.name, path.name, delivered, 0, 0, 0, 0, 0, duplicate_file=True)
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


def _load(feed: Feed, attempt: FeedFile, prepared: PreparedFile, delivered: dt.date) -> FeedSummary:
    statements = LoadStatements(feed, prepared.columns, attempt.pk, delivered)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL application_name = %s", [f"import_feed:{feed.name}"[:63]])
        if connection.pg_version >= 140000:
            # A backend whose client was killed stops at once instead of finishing its query.
            cursor.execute("SET LOCAL client_connection_check_interval = '1s'")
        # Sorts for "last row per identity" and hashing over a whole file stay in memory.
        cursor.execute("SET LOCAL work_mem = %s", [WORK_MEM])
        timings: dict[str, float] = {}

        def run(label: str, statement: str) -> None:
            started = time.perf_counter()
            cursor.execute(statement)
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - started

        for statement in statements.prepare():
            cursor.execute(statement)
        started = time.perf_counter()
        cursor.copy_expert(statements.copy(), prepared.spool)
        timings["copy"] = time.perf_counter() - started
        run("types", statements.typed())
        run("type_rejections", statements.type_rejections())
        if feed.file_rules:
            run("file_rules", statements.file_rules())
            for rule, passed in zip(feed.file_rules, cursor.fetchone(), strict=True):
                if not passed:
                    raise FeedRefused(gettext(sql.source_text(rule.reason)))
        if feed.rules:
            run("rules", statements.rule_rejections())
        for label, statement in statements.versions():
            run(label, statement)
        cursor.execute(statements.counts())
        rows, rejected, valid, winners, new = cursor.fetchone()
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
            unchanged=winners - new,
            superseded=valid - winners,
            rejected=rejected,
            duplicate_file=False,
        )
        FeedFile.objects.filter(pk=attempt.pk).update(
            status=FeedFile.Status.LOADED,
            rows=summary.rows,
            loaded=summary.loaded,
            unchanged=summary.unchanged,
            superseded=summary.superseded,
            rejected=summary.rejected,
            summary=summary.as_dict(),
            error="",
            finished_at=timezone.now(),
        )
        cursor.execute(statements.drop())
    logger.debug(
        "feed %s: file %s seconds per step %s",
        feed.name,
        attempt.pk,
        {k: round(v, 3) for k, v in timings.items()},
    )
    return summary


class LoadStatements:
    """The SQL of one load, generated from the feed's declaration.

    Statements take no parameters (the file id and the delivery date are
    inlined as typed literals), so a rule may use ``%`` freely.
    """

    def __init__(
        self, feed: Feed, present: tuple[str, ...], feed_file_id: int, delivered: dt.date
    ) -> None:
        self.feed = feed
        self.present = present
        self.file_id = int(feed_file_id)
        self.delivered = f"DATE '{delivered.isoformat()}'"
        model = feed.fact_model()
        self.fact_table = connection.ops.quote_name(model._meta.db_table)
        self.fact_columns = {
            f.name: connection.ops.quote_name(f.column) for f in model._meta.concrete_fields
        }
        self.rejection_table = connection.ops.quote_name(FeedRejection._meta.db_table)

    # Helpers -------------------------------------------------------------

    def _fact(self, name: str) -> str:
        return self.fact_columns[name]

    def _identity_join(self, left: str, right: str, *, right_fact: bool = False) -> str:
        parts = []
        for name in self.feed.identity:
            right_column = self._fact(name) if right_fact else sql.ident(name)
            parts.append(f"{left}.{sql.ident(name)} = {right}.{right_column}")
        return " AND ".join(parts)

    def _rejections_insert(self) -> str:
        return f"INSERT INTO {self.rejection_table} (feed_file_id, row_number, {connection.ops.quote_name('column')}, value, reason) "

    # Statements ----------------------------------------------------------

    def prepare(self) -> list[str]:
        columns = ", ".join(f"{sql.ident('c__' + name)} text" for name in self.present)
        return [
            self.drop(),
            "CREATE TEMP TABLE feed_stage (row_no integer NOT NULL, problem text, "
            f"field_count integer{', ' + columns if columns else ''}) ON COMMIT DROP",
        ]

    def copy(self) -> str:
        columns = "".join(", " + sql.ident("c__" + name) for name in self.present)
        return (
            f"COPY feed_stage (row_no, problem, field_count{columns}) FROM STDIN WITH (FORMAT csv)"
        )

    def typed(self) -> str:
        raw, errors, values, ok = [], [], [], ["problem IS NULL"]
        for column in self.feed.columns:
            r, e = sql.ident("r__" + column.name), sql.ident("e__" + column.name)
            source = (
                f"NULLIF(btrim({sql.ident('c__' + column.name)}, {TRIMMED}), '')"
                if column.name in self.present
                else "NULL::text"
            )
            raw.append(f"{source} AS {r}")
            errors.append(
                f"{r}, CASE WHEN problem IS NULL THEN {sql.error_sql(column, r)} END AS {e}"
            )
            values.append(
                f"{r}, {e}, CASE WHEN {e} IS NULL THEN {sql.value_sql(column, r)} END AS {sql.ident(column.name)}"
            )
            ok.append(f"{e} IS NULL")
        return (
            "CREATE TEMP TABLE feed_typed ON COMMIT DROP AS "
            f"SELECT row_no, problem, field_count, {', '.join(values)}, ({' AND '.join(ok)}) AS type_ok "
            f"FROM (SELECT row_no, problem, field_count, {', '.join(errors)} "
            f"FROM (SELECT row_no, NULLIF(problem, '') AS problem, field_count, {', '.join(raw)} "
            # Each OFFSET 0 keeps the planner from repeating an expression at every use.
            "FROM feed_stage OFFSET 0) AS s OFFSET 0) AS e"
        )

    def type_rejections(self) -> str:
        problem = (
            f"CASE t.problem WHEN {sql.literal(PROBLEM_FIELD_COUNT)} THEN {sql.literal(sql.FIELD_COUNT)} "
            f"WHEN {sql.literal(PROBLEM_NUL)} THEN {sql.literal(sql.NUL_CHARACTER)} END"
        )
        entries = [
            f"('', CASE t.problem WHEN {sql.literal(PROBLEM_FIELD_COUNT)} THEN t.field_count::text END, {problem})"
        ]
        for column in self.feed.columns:
            entries.append(
                f"({sql.literal(column.name)}, t.{sql.ident('r__' + column.name)}, "
                f"t.{sql.ident('e__' + column.name)})"
            )
        return (
            self._rejections_insert()
            + f"SELECT {self.file_id}, t.row_no, v.col, left(COALESCE(v.val, ''), 1000), v.reason "
            f"FROM feed_typed AS t CROSS JOIN LATERAL (VALUES {', '.join(entries)}) AS v(col, val, reason) "
            "WHERE NOT t.type_ok AND v.reason IS NOT NULL"
        )

    def file_rules(self) -> str:
        checks = ", ".join(f"(({rule.check}) IS NOT FALSE)" for rule in self.feed.file_rules)
        return f"SELECT {checks} FROM feed_typed WHERE type_ok"

    def rule_rejections(self) -> str:
        any_fails = " AND ".join(f"(({rule.check}) IS NOT FALSE)" for rule in self.feed.rules)
        entries = [
            f"({sql.literal(rule.column)}, t.{sql.ident('r__' + rule.column)}, "
            f"CASE WHEN ({rule.check}) IS FALSE THEN left({sql.literal(rule.reason)}, 255) END)"
            for rule in self.feed.rules
        ]
        return (
            self._rejections_insert()
            + f"SELECT {self.file_id}, t.row_no, v.col, left(COALESCE(v.val, ''), 1000), v.reason "
            f"FROM (SELECT * FROM feed_typed WHERE type_ok AND NOT ({any_fails})) AS t "
            f"CROSS JOIN LATERAL (VALUES {', '.join(entries)}) AS v(col, val, reason) "
            "WHERE v.reason IS NOT NULL"
        )

    def versions(self) -> list[tuple[str, str]]:
        """(step, SQL) from the typed rows to the new versions written."""
        feed = self.feed
        names = ", ".join(sql.ident(c.name) for c in feed.columns)
        identity = ", ".join(sql.ident(n) for n in feed.identity)
        fact_identity = ", ".join(f"f.{self._fact(n)}" for n in feed.identity)
        fact_values = ", ".join(
            f"f.{self._fact(n)} AS {sql.ident(n)}" for n in (*feed.identity, *feed.value_columns)
        )
        changed = " OR ".join(
            f"win.{sql.ident(n)} IS DISTINCT FROM p.{sql.ident(n)}" for n in feed.value_columns
        )
        version, current = self._fact("version"), self._fact("is_current")
        delivered_on = self._fact("delivered_on")
        insert_columns = ", ".join(self._fact(c.name) for c in feed.columns)
        in_force_first = f"f.{delivered_on} <= {self.delivered}"
        valid = (
            # Valid rows: every cell typed and no rule failed.
            "CREATE TEMP TABLE feed_valid ON COMMIT DROP AS "
            f"SELECT t.row_no, {', '.join('t.' + sql.ident(c.name) for c in feed.columns)} "
            "FROM feed_typed AS t WHERE t.type_ok AND NOT EXISTS "
            f"(SELECT 1 FROM {self.rejection_table} AS r "
            f"WHERE r.feed_file_id = {self.file_id} AND r.row_number = t.row_no)"
        )
        winners = (
            # Within the file the last valid row of an identity wins (hashing, not sorting).
            "CREATE TEMP TABLE feed_win ON COMMIT DROP AS "
            "SELECT v.* FROM feed_valid AS v JOIN (SELECT max(row_no) AS row_no FROM feed_valid "
            f"GROUP BY {identity}) AS last USING (row_no)"
        )
        previous = (
            # The version in force on the delivery date, and the identity's newest version.
            "CREATE TEMP TABLE feed_prev ON COMMIT DROP AS "
            f"SELECT DISTINCT ON ({fact_identity}) {fact_values}, {in_force_first} AS in_force, "
            f"max(f.{version}) OVER per_identity AS max_version, "
            f"max(f.{delivered_on}) OVER per_identity AS max_delivered "
            f"FROM {self.fact_table} AS f "
            f"JOIN feed_win AS win ON {self._identity_join('win', 'f', right_fact=True)} "
            f"WINDOW per_identity AS (PARTITION BY {fact_identity}) "
            f"ORDER BY {fact_identity}, {in_force_first} DESC, "
            f"f.{delivered_on} DESC, f.{version} DESC"
        )
        new = (
            # New versions: identities unknown on the delivery date or with other values.
            "CREATE TEMP TABLE feed_new ON COMMIT DROP AS "
            "SELECT win.*, COALESCE(p.max_version, 0) + 1 AS version, "
            f"(p.max_delivered IS NULL OR p.max_delivered <= {self.delivered}) AS becomes_current "
            f"FROM feed_win AS win LEFT JOIN feed_prev AS p ON {self._identity_join('win', 'p')} "
            f"WHERE p.max_version IS NULL OR NOT p.in_force OR ({changed or 'false'})"
        )
        supersede = (
            # A newer delivery replaces the current version (kept for as_of questions).
            f"UPDATE {self.fact_table} AS f SET {current} = false FROM feed_new AS n "
            f"WHERE n.becomes_current AND f.{current} "
            f"AND {self._identity_join('n', 'f', right_fact=True)}"
        )
        insert = (
            f"INSERT INTO {self.fact_table} ({insert_columns}, {version}, {current}, "
            f"{delivered_on}, {self._fact('loaded_at')}, {self._fact('feed_file')}) "
            f"SELECT {names}, version, becomes_current, {self.delivered}, now(), {self.file_id} "
            "FROM feed_new"
        )
        return [
            ("valid", valid),
            ("winners", winners),
            ("winners", "ANALYZE feed_win"),
            ("previous", previous),
            ("new", new),
            ("supersede", supersede),
            ("insert", insert),
        ]

    def counts(self) -> str:
        return (
            "SELECT (SELECT count(*) FROM feed_stage), "
            f"(SELECT count(DISTINCT row_number) FROM {self.rejection_table} WHERE feed_file_id = {self.file_id}), "
            "(SELECT count(*) FROM feed_valid), (SELECT count(*) FROM feed_win), "
            "(SELECT count(*) FROM feed_new)"
        )

    def drop(self) -> str:
        return "DROP TABLE IF EXISTS " + ", ".join(f"pg_temp.{t}" for t in WORK_TABLES)
