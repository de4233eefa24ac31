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
