"""Partitions of the payments table for writes outside feed loads (demo data, benchmarks).

Feed loads create the partitions they need themselves (``core.feeds.partitions``);
this makes them, empty and named the same way, for rows written otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from core.feeds.partitions import partition_bounds

from .models import Payment


def ensure_payment_partitions(periods: Iterable[dt.date]) -> None:
    table = Payment._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start, end, suffix in sorted({partition_bounds(p, "month") for p in periods}):
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {q(f'{table[:54]}_{suffix}')} PARTITION OF {q(table)} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )


CLUSTER_MEMORY = "512MB"

# A partition of the payments table with the partition of the ``mhi_payment_iin`` index on it.
PARTITION_INDEXES_SQL = """
    SELECT t.relname, i.relname
    FROM pg_inherits AS h
    JOIN pg_class AS i ON i.oid = h.inhrelid
    JOIN pg_index AS x ON x.indexrelid = i.oid
    JOIN pg_class AS t ON t.oid = x.indrelid
    WHERE h.inhparent = %s::regclass
"""


def cluster_payment_partitions(*, before: dt.date, months: int = 13) -> list[str]:
    """Rewrite the payment partitions of the ``months`` months before ``before`` in IIN order.

    Feed files arrive in any order, so a person's payments of one month lie on pages
    shared with thousands of others; the status store reads them a range of IINs at a
    time (``facts.load_people``), which then touches nearly every page of every
    partition once per chunk. Kept in IIN order (``CLUSTER``, a monthly job), the
    rows of a chunk lie on a few consecutive pages. Each partition is locked only
    while it is rewritten; returns the partitions rewritten.
    """
    table = Payment._meta.db_table
    q = connection.ops.quote_name
    wanted, day = set(), before.replace(day=1)
    for _ in range(months):
        day = (day - dt.timedelta(days=1)).replace(day=1)
        wanted.add(f"{table[:54]}_{partition_bounds(day, 'month')[2]}")
    done = []
    with connection.cursor() as cursor:
        cursor.execute(PARTITION_INDEXES_SQL, ["mhi_payment_iin"])
        found = sorted(cursor.fetchall())
        # The rewrite sorts the rows and rebuilds every index of the partition: with the
        # default 64 MB each sort of a 2 000 000-row partition spills to disk.
        cursor.execute("SET maintenance_work_mem = %s", [CLUSTER_MEMORY])
        try:
            for partition, index in found:
                if partition in wanted:
                    cursor.execute(f"CLUSTER {q(partition)} USING {q(index)}")
                    cursor.execute(f"ANALYZE {q(partition)}")
                    done.append(partition)
        finally:
            cursor.execute("RESET maintenance_work_mem")
    return done
