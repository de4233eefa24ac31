"""Partitioned fact tables of append-mostly feeds (``Feed(partition_by=...)``).

The app's migration creates the model as usual and then makes its table a
PostgreSQL declarative partitioned table with one operation::

    migrations.CreateModel(name="Payment", ...),
    PartitionFactTable("Payment", key="period"),

The operation rebuilds the (still empty) table as ``PARTITION BY RANGE (key)``
with the same columns, defaults, checks, indexes and unique constraints (each
of which includes the key, since the key is part of the feed's identity: they
hold per partition), and a primary key ``(id, key)``. Partitions are created by
the load that needs them (``ensure_partitions``), named ``<table>_pYYYY[MM]``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, migrations


class PartitionFactTable(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, key: str) -> None:
        self.model_name = model_name
        self.key = key

    def state_forwards(self, app_label, state) -> None:
        pass

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {"key": self.key})

    def describe(self) -> str:
        return f"Partition the table of {self.model_name} by range of {self.key}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        key = model._meta.get_field(self.key).column
        pk = model._meta.pk.column
        with schema_editor.connection.cursor() as cursor:
            # Index and constraint definitions of the plain table, before it goes.
            cursor.execute(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index AS i "
                "LEFT JOIN pg_constraint AS c ON c.conindid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND c.oid IS NULL",
                [table],
            )
            indexes = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype",
                [table],
            )
            constraints = cursor.fetchall()
        q = schema_editor.quote_name
        plain = q(table[:50] + "__plain")
        schema_editor.execute(f"ALTER TABLE {q(table)} RENAME TO {plain}")
        schema_editor.execute(
            f"CREATE TABLE {q(table)} (LIKE {plain} INCLUDING DEFAULTS INCLUDING IDENTITY "
            "INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STATISTICS) "
            f"PARTITION BY RANGE ({q(key)})"
        )
        # The identity sequence of the new table takes over the old one's name.
        schema_editor.execute(f"DROP TABLE {plain} CASCADE")
        for name, kind, definition in constraints:
            if kind == "p":
                definition = f"PRIMARY KEY ({q(pk)}, {q(key)})"
            schema_editor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
        for definition in indexes:
            schema_editor.execute(definition)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        # Undoing the CreateModel before it drops the table, partitions and all.
        pass


def partition_bounds(day: dt.date, interval: str) -> tuple[dt.date, dt.date, str]:
    """(from, to, suffix) of the partition holding ``day``."""
    if interval == "year":
        start = dt.date(day.year, 1, 1)
        return start, dt.date(day.year + 1, 1, 1), f"p{day.year:04d}"
    start = dt.date(day.year, day.month, 1)
    end = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, end, f"p{day.year:04d}{day.month:02d}"


def ensure_partitions(cursor, *, table: str, days: list[dt.date], interval: str) -> list[str]:
    """Creates the missing partitions of ``table`` holding ``days``; returns those created.

    Runs inside the load's transaction: a rolled-back load leaves no partition.
    """
    wanted = {partition_bounds(day, interval) for day in days}
    cursor.execute(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    existing = {row[0] for row in cursor.fetchall()}
    created = []
    q = connection.ops.quote_name
    for start, end, suffix in sorted(wanted):
        name = f"{table[:54]}_{suffix}"
        if name in existing:
            continue
        cursor.execute(
            f"CREATE TABLE {q(name)} PARTITION OF {q(table)} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
        created.append(name)
    return created
