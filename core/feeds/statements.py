"""The SQL of one load, generated from the feed's declaration (set-based, no row loop).

Work tables are temporary (unlogged, private to the session, gone with it when a
process is killed):

- ``feed_checked``: the file's rows as ``core.feeds.cells`` checked them (every
  cell trimmed, typed, its type checked), by COPY; the rejecting rules then mark
  the rows that break them (``ok`` false); flags are computed where the valid
  rows are read;
- ``feed_valid`` (view): the ok rows; ``feed_dup``: identities given more than
  once in the file; ``feed_win`` (view): the last valid row of each identity;
- ``feed_prev``: the versions already stored for the file's identities (only when
  the fact table, or the partitions the file touches, hold any);
- ``feed_new``: the rows written as new versions (a view on a first delivery).

Statements take no parameters (the file id and the delivery date are inlined as
typed literals), so a rule may use ``%`` freely.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from core.models import FeedRejection

from . import sql
from .cells import checked_columns
from .declarations import SQL_TYPES, Feed

WORK_TABLES = ("feed_checked", "feed_dup", "feed_prev")

WORK_VIEWS = ("feed_new", "feed_win", "feed_valid")

# Versions of one identity stay below this (the low bits of a version's place).
VERSION_SPAN = 1 << 20


class LoadStatements:
    def __init__(
        self,
        feed: Feed,
        present: tuple[str, ...],
        feed_file_id: int,
        delivered: dt.date,
        *,
        header_width: int = 0,
        positions: dict[str, int] | None = None,
    ) -> None:
        self.feed = feed
        self.present = present
        self.file_id = int(feed_file_id)
        self.delivered = f"DATE '{delivered.isoformat()}'"
        self.header_width = header_width
        self.positions = positions or {}
        model = feed.fact_model()
        self.fact_table_name = model._meta.db_table
        self.fact_table = connection.ops.quote_name(model._meta.db_table)
        self.fact_columns = {
            f.name: connection.ops.quote_name(f.column) for f in model._meta.concrete_fields
        }
        self.pk_name = model._meta.pk.name
        self.pk_column = model._meta.pk.column
        self.pk_sequence = ""  # set by the pipeline for a partitioned feed
        self.rejection_table = connection.ops.quote_name(FeedRejection._meta.db_table)
        # Bounds of the partition key over the file's valid rows (set by the pipeline).
        self.key_range: tuple[dt.date, dt.date] | None = None

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
        column = connection.ops.quote_name("column")
        return (
            f"INSERT INTO {self.rejection_table} "
            f"(feed_file_id, row_number, {column}, value, reason, kind, owner) "
        )

    def _owner(self, alias: str, *, raw: bool = False) -> str:
        """The organisation a row belongs to (the feed's ``owner`` column), as read."""
        owner = self.feed.owner
        if owner is None:
            return "''"
        value = f"{alias}.{sql.ident(owner)}::text"
        if raw:  # a row that does not load may have its owner cell bad: keep it as read
            value = f"COALESCE({value}, {alias}.{sql.ident('r__' + owner)})"
        return f"left(COALESCE({value}, ''), 12)"

    def fact_filter(self, alias: str = "f") -> str:
        """Only the partitions the file touches (static pruning: literal bounds)."""
        if self.feed.partition_by is None or self.key_range is None:
            return "true"
        low, high = self.key_range
        return (
            f"{alias}.{self._fact(self.feed.partition_by)} "
            f"BETWEEN DATE '{low.isoformat()}' AND DATE '{high.isoformat()}'"
        )

    # Staging -------------------------------------------------------------

    def drop(self) -> list[str]:
        """Drops the work tables and views left in the session (a view may stand for a table)."""
        names = ", ".join(sql.literal(n) for n in (*WORK_VIEWS, *WORK_TABLES))
        return [
            "DO $$ DECLARE r record; BEGIN FOR r IN SELECT relname, relkind FROM pg_class "
            f"WHERE relnamespace = pg_my_temp_schema() AND relname IN ({names}) "
            "ORDER BY relkind = 'v' DESC LOOP EXECUTE format(CASE r.relkind WHEN 'v' "
            "THEN 'DROP VIEW IF EXISTS pg_temp.%I CASCADE' ELSE 'DROP TABLE IF EXISTS pg_temp.%I CASCADE' END, "
            "r.relname); END LOOP; END $$"
        ]

    def stage(self) -> list[str]:
        """feed_checked: the checked rows as ``cells.CheckedRows`` makes them, typed."""
        columns = ", ".join(f"{sql.ident(c.name)} {SQL_TYPES[c.type]}" for c in self.feed.columns)
        errors = "".join(
            f", {sql.ident('e__' + c.name)} text, {sql.ident('r__' + c.name)} text"
            for c in self.feed.columns
        )
        return [
            *self.drop(),
            "CREATE TEMP TABLE feed_checked (row_no bigint NOT NULL, problem text, "
            f"problem_value text, type_ok boolean NOT NULL, ok boolean NOT NULL, {columns}{errors}) "
            "ON COMMIT DROP",
        ]

    def copy(self) -> str:
        """COPY of the checked rows (``cells.checked_columns`` order); an empty text-like
        cell is "" (never NULL)."""
        columns = ", ".join(sql.ident(n) for n in checked_columns(self.feed))
        text_like = ", ".join(sql.ident(c.name) for c in self.feed.columns if c.text_like)
        force = f", FORCE_NOT_NULL ({text_like})" if text_like else ""
        return f"COPY feed_checked ({columns}) FROM STDIN WITH (FORMAT csv{force})"

    def apply_rules(self) -> str | None:
        """Rows whose cells are all good but which break a rejecting rule do not load."""
        failed = [f"(({rule.check}) IS FALSE)" for rule in self.feed.reject_rules]
        if not failed:
            return None
        return f"UPDATE feed_checked SET ok = false WHERE ok AND ({' OR '.join(failed)})"

    # Rejections ------------------------------------------------------------

    def rejections(self) -> str:
        """Every problem of a row that does not load: the record's, each bad cell, each rule."""
        triples = ["('', problem_value, problem)"]
        for column in self.feed.columns:
            triples.append(
                f"({sql.literal(column.name)}, {sql.ident('r__' + column.name)}, "
                f"{sql.ident('e__' + column.name)})"
            )
        for rule in self.feed.reject_rules:
            triples.append(
                f"({sql.literal(rule.column)}, {sql.ident(rule.column)}::text, "
                f"CASE WHEN type_ok AND (({rule.check}) IS FALSE) "
                f"THEN left({sql.literal(rule.reason)}, 255) END)"
            )
        return (
            self._rejections_insert()
            + f"SELECT {self.file_id}, c.row_no, u.col, left(COALESCE(u.val, ''), 1000), u.reason, "
            f"'reject', {self._owner('c', raw=True)} FROM feed_checked AS c "
            f"CROSS JOIN LATERAL (VALUES {', '.join(triples)}) AS u(col, val, reason) "
            "WHERE NOT c.ok AND u.reason IS NOT NULL"
        )

    def _flag_columns(self) -> str:
        """The flag arrays of a valid row (NULL when no flag rule fails), as view columns."""
        flags = self.feed.flag_rules
        if not flags:
            return (
                ", NULL::text[] AS flag_reasons, NULL::text[] AS flag_cols, "
                "NULL::text[] AS flag_vals"
            )
        failed = [f"(({rule.check}) IS FALSE)" for rule in flags]
        any_flag = " OR ".join(failed)

        def array(items: list[str]) -> str:
            return f"CASE WHEN {any_flag} THEN ARRAY[{', '.join(items)}]::text[] END"

        reasons = [
            f"CASE WHEN {f} THEN left({sql.literal(rule.reason)}, 255) END"
            for rule, f in zip(flags, failed, strict=True)
        ]
        return (
            f", {array(reasons)} AS flag_reasons"
            f", {array([sql.literal(r.column) for r in flags])} AS flag_cols"
            f", {array([sql.ident(r.column) + '::text' for r in flags])} AS flag_vals"
        )

    def file_rules(self) -> str:
        checks = ", ".join(f"(({rule.check}) IS NOT FALSE)" for rule in self.feed.file_rules)
        return f"SELECT {checks} FROM feed_checked WHERE type_ok"

    def key_bounds(self) -> str:
        key = sql.ident(self.feed.partition_by or "")
        return f"SELECT min({key}), max({key}) FROM feed_checked WHERE ok"

    def partition_keys(self) -> str:
        key = sql.ident(self.feed.partition_by or "")
        unit = "year" if self.feed.partition_interval == "year" else "month"
        return f"SELECT DISTINCT date_trunc('{unit}', {key})::date FROM feed_checked WHERE ok"

    # Versions ------------------------------------------------------------

    def winners(self) -> list[str]:
        """feed_valid, feed_dup and feed_win: the last valid row of each identity wins."""
        feed = self.feed
        columns = ", ".join(f"c.{sql.ident(c.name)}" for c in feed.columns)
        identity = ", ".join(sql.ident(n) for n in feed.identity)
        return [
            "CREATE TEMP VIEW feed_valid AS "
            f"SELECT c.row_no, {columns}{self._flag_columns()} "
            "FROM feed_checked AS c WHERE c.ok",
            # An identity given more than once is rare: only those are grouped in full.
            f"CREATE TEMP TABLE feed_dup ON COMMIT DROP AS SELECT {identity}, max(row_no) AS row_no, "
            "count(*) AS n "
            f"FROM feed_valid GROUP BY {identity} HAVING count(*) > 1",
            "CREATE TEMP VIEW feed_win AS SELECT v.* FROM feed_valid AS v WHERE NOT EXISTS "
            f"(SELECT 1 FROM feed_dup AS d WHERE {self._identity_join('v', 'd')} "
            "AND d.row_no > v.row_no)",
        ]

    def facts_exist(self) -> str:
        return f"SELECT EXISTS (SELECT 1 FROM {self.fact_table} AS f WHERE {self.fact_filter()})"

    def versions(self, *, facts_exist: bool) -> list[tuple[str, str]]:
        """(step, SQL) from the winners to the new versions (and the superseded current)."""
        feed = self.feed
        version, current = self._fact("version"), self._fact("is_current")
        delivered_on = self._fact("delivered_on")
        if not facts_exist:
            # Nothing stored yet for these identities: every winner is version 1, current.
            return [
                (
                    "versions",
                    "CREATE TEMP VIEW feed_new AS SELECT win.*, 1 AS version, "
                    "true AS becomes_current FROM feed_win AS win",
                )
            ]
        changed = " OR ".join(
            f"win.{sql.ident(n)} IS DISTINCT FROM p.{sql.ident(n)}" for n in feed.value_columns
        )
        fact_values = ", ".join(
            f"f.{self._fact(n)} AS {sql.ident(n)}" for n in (*feed.identity, *feed.value_columns)
        )
        identity = ", ".join(f"win.{sql.ident(n)}" for n in feed.identity)
        # A stored version's place in the order "delivered later, then loaded later" as one
        # number: days since 1900 in the high bits, the version (below 2^20) in the low ones.
        place = f"((f.{delivered_on} - DATE '1900-01-01')::bigint * {VERSION_SPAN} + f.{version})"
        chosen = "COALESCE(p.in_force_place, p.last_place)"
        previous = (
            # Per identity, in one hashed pass (no sort): the newest version and delivery,
            # and the version in force on the delivery date (the latest delivered on or
            # before it; when none, the latest of all); that version is then read whole.
            "CREATE TEMP TABLE feed_prev ON COMMIT DROP AS "
            f"SELECT {fact_values}, p.in_force_place IS NOT NULL AS in_force, p.max_version, "
            "p.max_delivered FROM ("
            f"SELECT {identity}, max(f.{version}) AS max_version, "
            f"max(f.{delivered_on}) AS max_delivered, "
            f"max({place}) FILTER (WHERE f.{delivered_on} <= {self.delivered}) AS in_force_place, "
            f"max({place}) AS last_place "
            f"FROM {self.fact_table} AS f "
            f"JOIN feed_win AS win ON {self._identity_join('win', 'f', right_fact=True)} "
            f"WHERE {self.fact_filter()} GROUP BY {identity}"
            f") AS p JOIN {self.fact_table} AS f ON {self._identity_join('p', 'f', right_fact=True)} "
            f"AND f.{version} = ({chosen} & {VERSION_SPAN - 1})::integer AND {self.fact_filter()}"
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
            f"WHERE n.becomes_current AND f.{current} AND {self.fact_filter()} "
            f"AND {self._identity_join('n', 'f', right_fact=True)}"
        )
        return [
            ("previous", previous),
            ("previous", "ANALYZE feed_prev"),
            ("versions", new),
            ("versions", "ANALYZE feed_new"),
            ("supersede", supersede),
        ]

    def fact_is_empty(self) -> str:
        return f"SELECT NOT EXISTS (SELECT 1 FROM {self.fact_table})"

    def fact_table_indexes(self) -> str:
        """(index, its definition, its constraint, the constraint's definition) of every
        index of the fact table but its primary key."""
        return (
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) FROM pg_index AS i "
            "LEFT JOIN pg_constraint AS c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
            f"WHERE i.indrelid = {sql.literal(self.fact_table)}::regclass AND NOT i.indisprimary "
            "ORDER BY 1"
        )

    def fact_column_name(self, name: str) -> str:
        return self.feed.fact_model()._meta.get_field(name).column

    def insert(self, target: str | None = None, condition: str = "true") -> str:
        """The new versions into the fact table (or ``target``, rows meeting ``condition``).

        The id is drawn from the fact table's own sequence, so rows written through
        a loading table (``partitions.insert_into_partitions``) get theirs too.
        """
        feed = self.feed
        names = ", ".join(sql.ident(c.name) for c in feed.columns)
        derived_columns = "".join(", " + self._fact(d.name) for d in feed.derived)
        derived_values = "".join(f", ({d.expression})" for d in feed.derived)
        insert_columns = ", ".join(self._fact(c.name) for c in feed.columns)
        columns = (
            f"{insert_columns}{derived_columns}, {self._fact('version')}, "
            f"{self._fact('is_current')}, {self._fact('delivered_on')}, {self._fact('loaded_at')}, "
            f"{self._fact('feed_file')}, {self._fact('flags')}"
        )
        values = (
            f"{names}{derived_values}, version, becomes_current, {self.delivered}, now(), "
            f"{self.file_id}, COALESCE(array_remove(flag_reasons, NULL), '{{}}')"
        )
        if target is not None:
            # A loading table has no default of its own: the id comes from the fact table's.
            pk = self.fact_columns[self.pk_name]
            columns = f"{pk}, {columns}"
            values = f"nextval({sql.literal(self.pk_sequence)}::regclass), {values}"
        return (
            f"INSERT INTO {target or self.fact_table} ({columns}) SELECT {values} FROM feed_new "
            f"WHERE {condition}"
        )

    def flags(self) -> str:
        """Flags of the rows that load or are unchanged (the winners), kept like rejections."""
        return (
            self._rejections_insert()
            + f"SELECT {self.file_id}, w.row_no, u.col, left(COALESCE(u.val, ''), 1000), u.reason, "
            f"'flag', {self._owner('w')} FROM feed_win AS w "
            "CROSS JOIN LATERAL unnest(w.flag_cols, w.flag_vals, w.flag_reasons) "
            "AS u(col, val, reason) WHERE w.flag_reasons IS NOT NULL AND u.reason IS NOT NULL"
        )

    def analyze_checked(self) -> str:
        """Statistics of the work table for the columns the later statements filter, group
        and join on (the other columns are only carried)."""
        columns = ["ok", *self.feed.identity]
        if self.feed.partition_by and self.feed.partition_by not in columns:
            columns.append(self.feed.partition_by)
        return f"ANALYZE feed_checked ({', '.join(sql.ident(c) for c in columns)})"

    def counts(self, *, facts_exist: bool) -> str:
        """rows, rejected, valid, superseded, new, flagged.

        On a first delivery (``feed_new`` a view of the winners) every winner is new, so
        the winners are not read again; the flagged rows are counted from the flag
        records just written, not by computing the flags once more."""
        new = "(SELECT count(*) FROM feed_new)" if facts_exist else "c.valid - d.extra"
        flagged = (
            f"(SELECT count(DISTINCT row_number) FROM {self.rejection_table} "
            f"WHERE feed_file_id = {self.file_id} AND kind = 'flag')"
            if self.feed.flag_rules
            else "0"
        )
        return (
            f"SELECT c.rows, c.rejected, c.valid, d.extra, {new}, {flagged} "
            "FROM (SELECT count(*) AS rows, count(*) FILTER (WHERE NOT ok) AS rejected, "
            "count(*) FILTER (WHERE ok) AS valid FROM feed_checked) AS c, "
            "(SELECT COALESCE(sum(n - 1), 0)::bigint AS extra FROM feed_dup) AS d"
        )
