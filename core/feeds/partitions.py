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


def insert_into_partitions(
    cursor, *, table: str, key: str, source_key: str, days: list[dt.date], interval: str, insert
) -> list[str]:
    """Writes the new versions of a partitioned feed; returns the partitions it created.

    ``insert(target, condition)`` is the INSERT of the new versions into ``target``
    restricted by the SQL ``condition`` on the key (``source_key`` in the rows written,
    ``key`` in the table). Rows of partitions that exist go
    through the parent (their indexes updated row by row). A partition the file needs
    is new and empty, so it is filled before it has an index: its rows go through a
    loading table, then it is attached to the parent, which builds its indexes in
    one pass each. All of it inside the load's transaction: a rolled-back load leaves
    no partition.
    """
    q = connection.ops.quote_name
    wanted = sorted({partition_bounds(day, interval) for day in days})
    cursor.execute(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    existing = {row[0] for row in cursor.fetchall()}
    new = [(f"{table[:54]}_{suffix}", start, end) for start, end, suffix in wanted]
    new = [(name, start, end) for name, start, end in new if name not in existing]

    def in_ranges(ranges) -> str:
        return " OR ".join(
            f"({q(source_key)} >= DATE '{start.isoformat()}' "
            f"AND {q(source_key)} < DATE '{end.isoformat()}')"
            for _, start, end in ranges
        )

    if not new:
        cursor.execute(insert(q(table), "true"))
        return []
    if len(new) < len(wanted):
        cursor.execute(insert(q(table), f"NOT ({in_ranges(new)})"))
    like = f"(LIKE {q(table)} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)"
    loader = q(f"{table[:50]}__loading")
    cursor.execute(f"CREATE TABLE {loader} {like} PARTITION BY RANGE ({q(key)})")
    for name, start, end in new:
        bounds = f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        cursor.execute(f"CREATE TABLE {q(name)} {like}")
        cursor.execute(f"ALTER TABLE {loader} ATTACH PARTITION {q(name)} {bounds}")
    cursor.execute(insert(loader, in_ranges(new)))
    for name, start, end in new:
        bounds = f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        check = q(f"{name[:55]}_bounds")
        cursor.execute(f"ALTER TABLE {loader} DETACH PARTITION {q(name)}")
        # The check spares the attach a scan proving every row is in bounds.
        cursor.execute(
            f"ALTER TABLE {q(name)} ADD CONSTRAINT {check} CHECK ({q(key)} IS NOT NULL AND "
            f"{q(key)} >= DATE '{start.isoformat()}' AND {q(key)} < DATE '{end.isoformat()}')"
        )
        cursor.execute(f"ALTER TABLE {q(table)} ATTACH PARTITION {q(name)} {bounds}")
        cursor.execute(f"ALTER TABLE {q(name)} DROP CONSTRAINT {check}")
    cursor.execute(f"DROP TABLE {loader}")
    return [name for name, _, _ in new]
