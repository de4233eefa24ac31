"""The floor of a load: the least any load writing the same rows into the same fact table
must do, measured beside the load in the same run."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Floor:
    """Seconds: the typed rows copied into an empty table of the fact table's shape, then
    the fact table's indexes built on them."""

    copy: float
    indexes: float

    @property
    def total(self) -> float:
        return self.copy + self.indexes


def floor_copy(connection, feed: str) -> Floor:
    """A ``COPY`` of the rows the feed's last loaded file wrote, already typed (dates,
    amounts and arrays parsed, the bookkeeping columns filled), into an empty table of the
    fact table's shape (its columns, defaults, generated columns and check constraints),
    then the fact table's indexes built on it, one sorted pass each. It reads no file and
    checks no cell, and builds the indexes the cheapest way (after the rows, not row by
    row as a load into a table already holding rows must)."""
    from core.feeds.registry import get_feed

    table = get_feed(feed).fact_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(id) FROM core_feedfile WHERE feed = %s AND status = 'loaded'", [feed]
        )
        file_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = 'public' AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        columns = ", ".join(f'"{row[0]}"' for row in cursor.fetchall())
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass",
            [table],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            f"CREATE TABLE bench_floor (LIKE {table} INCLUDING DEFAULTS INCLUDING GENERATED "
            "INCLUDING CONSTRAINTS)"
        )
        cursor.execute("CHECKPOINT")
    with tempfile.TemporaryFile("w+b") as rows:
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY (SELECT {columns} FROM {table} WHERE feed_file_id = {int(file_id)}) "
                "TO STDOUT",
                rows,
            )
        rows.seek(0)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.copy_expert(f"COPY bench_floor ({columns}) FROM STDIN", rows)
            copied = time.perf_counter()
            for n, definition in enumerate(indexes):
                definition = re.sub(
                    r" INDEX \S+ ON (ONLY )?\S+ USING ",
                    f" INDEX bench_floor_{n} ON bench_floor USING ",
                    definition,
                )
                cursor.execute(definition)
            built = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return Floor(copy=copied - started, indexes=built - copied)
