"""The monthly job keeping closed payment partitions in IIN order: same rows, same store;
and the rebuild's chunks of IINs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from mhi_registry import engine, store
from mhi_registry.models import Payment, PersonStatus
from mhi_registry.partitions import cluster_payment_partitions

from .conftest import make_iin, payment_row

TODAY = store.today()


@pytest.mark.django_db
def test_closed_partitions_rewritten_in_iin_order_keep_rows_and_answers(load):
    current = TODAY.replace(day=1)
    last = engine.add_months(current, -1)
    earlier = engine.add_months(current, -2)
    people = [make_iin(n, "800202") for n in (9, 3, 7, 1)]  # delivered out of IIN order
    assert people != sorted(people)
    rows = [
        payment_row(
            iin, f"{period:%Y-%m}", (period + dt.timedelta(days=5)).isoformat(), reference=f"R{n}"
        )
        for n, iin in enumerate(people)
        for period in (earlier, last, current)
    ]
    load("mhi_payments", rows, TODAY)
    store.rebuild_all(as_of=TODAY)
    before_rows = sorted(Payment.objects.values_list("id", "iin", "period", "amount_kzt"))
    before_store = dict(PersonStatus.objects.values_list("iin", "segments"))

    done = cluster_payment_partitions(before=TODAY)

    table = Payment._meta.db_table
    assert done == sorted(f"{table}_p{p:%Y%m}" for p in (earlier, last)), (
        "only closed months, not the current one"
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT iin FROM "{table}_p{last:%Y%m}" ORDER BY ctid')
        assert [r[0] for r in cursor.fetchall()] == sorted(people)
    assert sorted(Payment.objects.values_list("id", "iin", "period", "amount_kzt")) == before_rows
    store.rebuild_all(as_of=TODAY)
    assert dict(PersonStatus.objects.values_list("iin", "segments")) == before_store
    assert cluster_payment_partitions(before=TODAY) == done  # safe to run again


def test_rebuild_chunks_cover_every_number_once():
    chunks = [store.chunk_selection(p) for p in store.all_prefixes()]
    assert len(chunks) == 200
    for number in [
        "000000000000",
        "850505300123",
        "851231000009",
        "859999999999",
        "991299999999",
        "999999999999",
        "501001000003",
        "500901000001",
    ]:
        holders = [c for c in chunks if c.lo <= number < c.hi]
        assert len(holders) == 1, number
