"""Property: the status store (set-based SQL reading + engine) equals the engine over the
facts (every version, chosen in Python) for random fact histories (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import KnpCode
from mhi_registry import engine, store
from mhi_registry.models import (
    CategoryPeriod,
    FailureWindow,
    ManualInclusion,
    Payment,
    PersonStatus,
    SecurityListing,
    SecuritySnapshot,
)
from mhi_registry.partitions import ensure_payment_partitions
from mhi_registry.selectors import engine_answer

from .conftest import make_iin

D = dt.date
TODAY = D(2026, 11, 30)
START = D(2024, 1, 1)
PEOPLE = [make_iin(n, "850505") for n in range(1, 4)]

days = st.integers(min_value=0, max_value=(D(2027, 3, 1) - START).days).map(
    lambda n: START + dt.timedelta(days=n)
)
months = st.integers(min_value=0, max_value=35).map(lambda n: engine.add_months(START, n))
people = st.sampled_from(PEOPLE)

category_facts = st.lists(
    st.tuples(
        people,
        st.sampled_from(["R01", "R07", "R12", "L01", "L02", "F01"]),
        days,
        st.one_of(st.none(), st.integers(0, 400)),
        st.sampled_from(["", "death", "moved"]),
        days,
        st.integers(1, 2),
    ),
    max_size=5,
)
payment_facts = st.lists(
    st.tuples(
        people,
        months,
        days,
        st.sampled_from(["5000", "-5000", "1200.50", "0"]),
        st.sampled_from(["cover_month", "cover_day", "no_cover", "unknown"]),
        st.sampled_from(["A", "B", "C"]),
        st.integers(0, 30),
    ),
    max_size=14,
)
snapshot_facts = st.lists(
    st.tuples(st.sampled_from(["MOD", "MIA"]), days, st.integers(0, 2), st.sets(people)),
    max_size=4,
)
manual_facts = st.lists(st.tuples(people, st.sampled_from(["R13", "X13"]), days), max_size=2)
window_facts = st.lists(st.tuples(days, st.one_of(st.none(), st.integers(1, 40))), max_size=2)
ons = st.lists(days, min_size=4, max_size=8)


def knp_codes() -> dict[str, str]:
    table = KnpCode.objects.all()
    return {
        "cover_month": table.filter(cover_start="month_start").first().code,
        "cover_day": table.filter(cover_start="payment_date").first().code,
        "no_cover": table.filter(gives_cover=False).first().code,
        "unknown": "999",
    }


def write_history(cats, pays, snaps, manual, windows, user) -> None:
    codes = knp_codes()
    ensure_payment_partitions(p[1] for p in pays)
    versions: dict[tuple, int] = {}
    for iin, code, assigned, length, reason, delivered, _v in cats:
        key = (iin, code, assigned)
        versions[key] = versions.get(key, 0) + 1
        CategoryPeriod.objects.filter(
            iin=iin, category=code, assigned_on=assigned, is_current=True
        ).update(is_current=False)
        CategoryPeriod.objects.create(
            iin=iin,
            last_name="X",
            category=code,
            assigned_on=assigned,
            assigned_source="GP",
            removed_on=None if length is None else assigned + dt.timedelta(days=length),
            removal_reason=reason,
            delivered_on=delivered,
            version=versions[key],
        )
    for iin, period, received, amount, kind, ref, lag in pays:
        key = (ref, iin, period)
        versions[key] = versions.get(key, 0) + 1
        Payment.objects.filter(reference=ref, iin=iin, period=period, is_current=True).update(
            is_current=False
        )
        Payment.objects.create(
            iin=iin,
            last_name="X",
            period=period,
            received_on=received,
            reference=ref,
            amount_kzt=Decimal(amount),
            knp=codes[kind],
            delivered_on=received + dt.timedelta(days=lag),
            version=versions[key],
        )
    from core.models import FeedFile

    for n, (authority, delivered, seq, listed) in enumerate(snaps):
        feed_file = FeedFile.objects.create(
            feed="mhi_security_forces",
            file_name=f"s{n}.csv",
            status=FeedFile.Status.LOADED,
            sha256=f"{n}",
        )
        snap = SecuritySnapshot.objects.create(
            authority=authority, delivered_on=delivered, sequence=seq, feed_file=feed_file
        )
        SecurityListing.objects.bulk_create(
            SecurityListing(snapshot=snap, iin=iin) for iin in listed
        )
    for iin, group, applied in manual:
        ManualInclusion.objects.create(
            iin=iin, group=group, application_date=applied, delivered_on=applied, operator=user
        )
    for n, (starts, length) in enumerate(windows, start=1):
        FailureWindow.objects.create(
            window=n,
            starts_on=starts,
            ends_on=None if length is None else starts + dt.timedelta(days=length),
            delivered_on=starts,
            declared_by=user,
        )


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(category_facts, payment_facts, snapshot_facts, manual_facts, window_facts, ons)
def test_store_always_equals_engine(cats, pays, snaps, manual, windows, on_days):
    user, _ = get_user_model().objects.get_or_create(username="prop-operator")
    try:
        with transaction.atomic():
            write_history(cats, pays, snaps, manual, windows, user)
            store.write(
                store.compute(store.Selection(iins=tuple(PEOPLE)), as_of=TODAY), as_of=TODAY
            )
            rows = {r.iin: r for r in PersonStatus.objects.filter(iin__in=PEOPLE)}
            for iin in PEOPLE:
                row = rows.get(iin)
                segments = store.decode(row.segments) if row else []
                for on in on_days:
                    stored = engine.answer_from_segments(segments, iin=iin, on=on, as_of=TODAY)
                    computed = engine_answer(iin, on=on, as_of=TODAY)
                    assert stored.as_dict(full=False, stretch=True) == computed.as_dict(
                        full=False, stretch=True
                    ), (iin, on)
                    assert (stored.basis, stored.category) == (computed.basis, computed.category)
                    # The look-up path's answer straight from the stored rows is the same.
                    iso = on.isoformat()
                    raw = row.segments if row else []
                    fast = store.stored_answer(
                        raw, iin=iin, on=iso, as_of=TODAY.isoformat(), stretch=True
                    )
                    assert fast == computed.as_dict(full=False, stretch=True), (iin, on)
                if row is not None:
                    later = [
                        d
                        for d in [
                            *(c[5] for c in cats if c[0] == iin),
                            *(p[2] + dt.timedelta(days=p[6]) for p in pays if p[0] == iin),
                            *(m[2] for m in manual if m[0] == iin),
                        ]
                        if d > TODAY
                    ]
                    if later:
                        assert row.valid_until is not None and row.valid_until <= min(later)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass
