"""The three MHI feeds through the shared pipeline (FEEDS.md) and the refresh they trigger."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.feeds import FeedRefused
from core.models import FeedFile, FeedRejection, KnpCode
from mhi_registry import services, store
from mhi_registry.models import PendingRefresh, PersonStatus, SecuritySnapshot
from mhi_registry.selectors import Lookup, status_answers
from tests.factories import CategoryPeriodFactory

from .conftest import category_row, make_iin, payment_row

D = dt.date
pytestmark = pytest.mark.django_db


def cover_codes():
    """КНП read from the table: one month-start code and one not giving cover."""
    month_start = KnpCode.objects.filter(gives_cover=True, cover_start="month_start").first()
    no_cover = KnpCode.objects.filter(gives_cover=False).first()
    return month_start.code, no_cover.code


def trimmed(iin, on, as_of):
    return status_answers([iin], lookup=Lookup(on=on, as_of=as_of, full=False))[0]


TODAY = D(2026, 11, 30)


def test_categories_feed_rejects_unknown_category_and_end_before_start(load):
    a, b, c = make_iin(1), make_iin(2), make_iin(3)
    summary = load(
        "mhi_categories",
        [
            category_row(a, "R13", "2026-09-01"),
            category_row(b, "R99", "2026-09-01"),
            category_row(c, "R12", "2026-09-01", removed_on="2026-08-01"),
        ],
        D(2026, 9, 2),
    )
    assert (summary.loaded, summary.rejected) == (1, 2)
    reasons = dict(
        FeedRejection.objects.filter(feed_file__feed="mhi_categories").values_list(
            "column", "reason"
        )
    )
    assert set(reasons) == {"category", "removed_on"}
    assert "removed_on is before assigned_on" in reasons["removed_on"]
    # Only the person whose facts changed is queued for a refresh.
    assert list(PendingRefresh.objects.values_list("iin", flat=True)) == [a]


def test_load_then_refresh_updates_only_touched_people_and_store_equals_engine(load):
    a, b = make_iin(11), make_iin(12)
    load("mhi_categories", [category_row(a, "R13", "2026-09-01")], D(2026, 9, 2))
    load("mhi_categories", [category_row(b, "R07", "2020-01-01")], D(2026, 9, 3))
    assert store.refresh_pending(as_of=TODAY) == 2
    refreshed_b = PersonStatus.objects.get(iin=b).refreshed_at
    # A withdrawal-correcting version of a's period touches a only.
    load(
        "mhi_categories",
        [category_row(a, "R13", "2026-09-01", removed_on="2026-10-01", reason="death")],
        D(2026, 10, 5),
    )
    assert list(PendingRefresh.objects.values_list("iin", flat=True)) == [a]
    assert store.refresh_pending(as_of=TODAY) == 1
    assert PersonStatus.objects.get(iin=b).refreshed_at == refreshed_b
    now = trimmed(a, D(2026, 9, 15), TODAY)
    assert (now["insured"], now["covered_until"]) == (True, "2026-09-30")
    # A past as_of goes through the engine and reproduces the earlier answer.
    past = trimmed(a, D(2026, 9, 15), D(2026, 10, 1))
    assert (past["insured"], past["covered_until"]) == (True, None)


def test_unknown_knp_loads_gives_no_cover_until_added_then_payers_recomputed(load):
    month_start, _ = cover_codes()
    a = make_iin(21)
    summary = load(
        "mhi_payments",
        [payment_row(a, "2026-10", "2026-10-05", knp="999", reference="R-1")],
        D(2026, 10, 6),
    )
    assert (summary.loaded, summary.rejected) == (1, 0)
    store.refresh_pending(as_of=TODAY)
    assert trimmed(a, D(2026, 10, 10), TODAY)["insured"] is False
    template = KnpCode.objects.get(code=month_start)
    KnpCode.objects.create(
        code="999",
        gives_cover=True,
        cover_start=template.cover_start,
        name_kk="Тест",
        name_ru="Тест",
    )
    assert list(PendingRefresh.objects.values_list("iin", flat=True)) == [a]
    # the same code saved again: its payer is queued already, nothing more to send
    assert services.queue_knp_payers("999") == 0
    store.refresh_pending(as_of=TODAY)
    answer = trimmed(a, D(2026, 10, 10), TODAY)
    assert (answer["insured"], answer["covered_until"]) == (True, "2027-01-31")


def test_refund_row_in_a_later_file_makes_the_month_unpaid(load):
    month_start, _ = cover_codes()
    a = make_iin(22)
    load("mhi_payments", [payment_row(a, "2026-10", "2026-10-05", knp=month_start)], D(2026, 10, 6))
    load(
        "mhi_payments",
        [payment_row(a, "2026-10", "2026-10-20", "-5000", knp=month_start, reference="REF-B")],
        D(2026, 10, 21),
    )
    store.refresh_pending(as_of=TODAY)
    assert trimmed(a, D(2026, 10, 10), TODAY)["insured"] is False
    assert trimmed(a, D(2026, 10, 10), D(2026, 10, 20))["insured"] is True


def security_rows(authority, iins, effective="2026-11-01"):
    return [
        {"authority": authority, "effective_on": effective, "iin": i, "last_name": "Серіков"}
        for i in iins
    ]


def test_m5_cl64_security_list_replacement_and_empty_list(load):
    a, b = make_iin(31), make_iin(32)
    load("mhi_security_forces", security_rows("MOD", [a, b]), D(2026, 11, 1), authority="MOD")
    load("mhi_security_forces", security_rows("MOD", [b]), D(2026, 11, 10), authority="MOD")
    assert set(PendingRefresh.objects.values_list("iin", flat=True)) == {a, b}
    store.refresh_pending(as_of=TODAY)
    assert trimmed(a, D(2026, 11, 5), TODAY)["covered_until"] == "2026-11-09"
    assert trimmed(a, D(2026, 11, 10), TODAY)["insured"] is False
    assert trimmed(b, D(2026, 11, 20), TODAY)["covered_until"] is None
    # An empty list (header only) ends everybody's cover from its delivery.
    summary = load("mhi_security_forces", [], D(2026, 11, 20), authority="MOD")
    assert summary.rows == 0
    store.refresh_pending(as_of=TODAY)
    assert trimmed(b, D(2026, 11, 19), TODAY)["covered_until"] == "2026-11-19"
    assert trimmed(b, D(2026, 11, 20), TODAY)["insured"] is False
    assert SecuritySnapshot.objects.filter(authority="MOD").count() == 3


def test_m5_cl64_two_lists_on_one_day_the_later_file_counts(load):
    a = make_iin(33)
    load("mhi_security_forces", security_rows("NSC", [a]), D(2026, 11, 2), authority="NSC")
    load("mhi_security_forces", security_rows("NSC", []), D(2026, 11, 2), authority="NSC", n=2)
    store.refresh_pending(as_of=TODAY)
    assert trimmed(a, D(2026, 11, 2), TODAY)["insured"] is False


@pytest.mark.parametrize(
    "rows, message",
    [
        (security_rows("MOD", [make_iin(41)]) + security_rows("MIA", [make_iin(42)]), "authority"),
        (
            security_rows("MOD", [make_iin(41)])
            + security_rows("MOD", [make_iin(42)], "2026-11-02"),
            "effective_on",
        ),
    ],
)
def test_security_file_mixing_authorities_or_dates_is_refused_whole(load, rows, message):
    with pytest.raises(FeedRefused, match=message):
        load("mhi_security_forces", rows, D(2026, 11, 3), authority="MOD")
    attempt = FeedFile.objects.get(feed="mhi_security_forces")
    assert attempt.status == FeedFile.Status.REFUSED
    assert not SecuritySnapshot.objects.exists()
    assert not PendingRefresh.objects.exists()


def test_stale_authority_is_reported_to_ops(load):
    from mhi_registry.selectors import stale_authorities

    load(
        "mhi_security_forces", security_rows("AFM", [make_iin(51)]), D(2026, 11, 1), authority="AFM"
    )
    load(
        "mhi_security_forces",
        security_rows("ACA", [make_iin(52)]),
        D(2026, 11, 20),
        authority="ACA",
    )
    report = {r["authority"]: r for r in stale_authorities(on=D(2026, 11, 30))}
    assert (report["AFM"]["stale"], report["AFM"]["age_days"]) == (True, 29)
    assert (report["ACA"]["stale"], report["ACA"]["age_days"]) == (False, 10)
    assert report["MOD"]["stale"] is True and report["MOD"]["latest_delivery"] is None


def test_m5_cl64_a_list_repeating_earlier_content_is_a_new_delivery(tmp_path):
    from mhi_registry.feeds import import_security_file

    from .conftest import SECURITY_COLUMNS, write_csv

    a = make_iin(61)
    listed = security_rows("MOD", [a])
    days = [("20261101", listed), ("20261105", []), ("20261110", listed)]
    for stamp, rows in days:
        import_security_file(
            write_csv(tmp_path, f"mhi_security_forces_MOD_{stamp}.csv", SECURITY_COLUMNS, rows)
        )
    # An empty list of another authority repeats the empty MOD content: still its own list.
    import_security_file(
        write_csv(tmp_path, "mhi_security_forces_MIA_20261111.csv", SECURITY_COLUMNS, [])
    )
    assert SecuritySnapshot.objects.filter(authority="MOD").count() == 3
    assert SecuritySnapshot.objects.filter(authority="MIA", persons=0).count() == 1
    store.refresh_pending(as_of=TODAY)
    assert trimmed(a, D(2026, 11, 4), TODAY)["covered_until"] == "2026-11-04"
    assert trimmed(a, D(2026, 11, 7), TODAY)["insured"] is False
    assert trimmed(a, D(2026, 11, 20), TODAY)["covered_until"] is None
    # The same file sent again is nothing new.
    again = import_security_file(tmp_path / "mhi_security_forces_MOD_20261110.csv")
    assert again.duplicate_file and SecuritySnapshot.objects.count() == 4


def test_m5_cl64_import_feed_reads_the_authority_and_date_from_the_file_name(tmp_path):
    from django.core.management import call_command

    from .conftest import SECURITY_COLUMNS, write_csv

    a = make_iin(62)
    path = write_csv(
        tmp_path,
        "mhi_security_forces_MOD_20261102.csv",
        SECURITY_COLUMNS,
        security_rows("MOD", [a]),
    )
    out = io.StringIO()
    call_command("import_feed", "mhi_security_forces", str(path), "--no-progress", stdout=out)
    assert json.loads(out.getvalue())["loaded"] == 1
    snapshot = SecuritySnapshot.objects.get()
    assert (snapshot.authority, snapshot.delivered_on, snapshot.persons) == (
        "MOD",
        D(2026, 11, 2),
        1,
    )


def test_refresh_reads_a_dense_batch_by_its_range_and_a_sparse_one_by_its_list():
    people = [make_iin(100 + n) for n in range(10)]
    for n, iin in enumerate(people):
        CategoryPeriodFactory(
            iin=iin,
            category="R13" if n % 2 else "R07",
            assigned_on=D(2026, 1, 1) + dt.timedelta(days=n),
            removed_on=D(2026, 6, 1) if n % 3 else None,
            delivered_on=D(2026, 1, 2),
        )
    store.rebuild_all(as_of=TODAY)
    built = dict(PersonStatus.objects.values_list("iin", "segments"))
    with connection.cursor() as cursor:
        sparse = store.batch_selection(cursor, (people[0], people[9]))
        dense = store.batch_selection(cursor, tuple(people[3:8]))
    assert sparse.iins == (people[0], people[9])
    assert (dense.iins, dense.lo, dense.hi) == (None, people[3], people[7] + "0")
    for batch in ([people[0], people[9]], people[3:8]):
        PersonStatus.objects.update(segments=[])
        PendingRefresh.objects.bulk_create(PendingRefresh(iin=i) for i in batch)
        assert store.refresh_pending(as_of=TODAY) == len(batch)
        after = dict(PersonStatus.objects.values_list("iin", "segments"))
        assert {i: after[i] for i in batch} == {i: built[i] for i in batch}
        assert all(after[i] == [] for i in people if i not in batch)


def test_refresh_takes_batches_after_the_last_and_comes_back_for_people_queued_meanwhile(
    monkeypatch,
):
    """Batches go forward in IIN order; a person queued during the refresh with an IIN
    below the batches already taken is refreshed too, before the refresh ends."""
    people = [make_iin(400 + n) for n in range(6)]
    for iin in people:
        CategoryPeriodFactory(iin=iin, assigned_on=D(2026, 1, 1))
    PendingRefresh.objects.bulk_create(PendingRefresh(iin=i) for i in people[2:])
    taken: list[tuple[str, ...]] = []
    batch_selection = store.batch_selection

    def spying(cursor, iins):
        taken.append(iins)
        if len(taken) == 1:  # someone queues the two lowest IINs meanwhile
            PendingRefresh.objects.bulk_create(PendingRefresh(iin=i) for i in people[:2])
        return batch_selection(cursor, iins)

    monkeypatch.setattr(store, "batch_selection", spying)
    assert store.refresh_pending(batch=2, as_of=TODAY) == 6
    assert taken == [tuple(people[2:4]), tuple(people[4:6]), tuple(people[:2])]
    assert not PendingRefresh.objects.exists()
    assert set(PersonStatus.objects.values_list("iin", flat=True)) == set(people)


def test_refresh_deletes_its_batch_by_row_address_whatever_the_queue_statistics():
    """A batch is taken off the queue through its row addresses, so the planner cannot
    join it to the whole queue, as it did once with the statistics of a
    queue a load had just filled (one batch of 10 000 ran for over 16 minutes)."""

    people = [make_iin(500 + n) for n in range(3)]
    PendingRefresh.objects.bulk_create(PendingRefresh(iin=i) for i in people)
    with connection.cursor() as cursor:
        # the statistics of an empty queue, as a vacuum leaves them before a load
        cursor.execute(
            "UPDATE pg_class SET reltuples = 0, relpages = 0 "
            "WHERE relname = 'mhi_registry_pendingrefresh'"
        )
    with CaptureQueriesContext(connection) as taken:
        assert store.refresh_pending(batch=2, as_of=TODAY) == 3
    queue = 'DELETE FROM "mhi_registry_pendingrefresh"'
    deletes = [q["sql"] for q in taken.captured_queries if q["sql"].startswith(queue)]
    # two batches, then nothing after the last nor from the lowest IIN
    assert len(deletes) == 4
    with connection.cursor() as cursor:
        PendingRefresh.objects.bulk_create(PendingRefresh(iin=i) for i in people)
        cursor.execute(f"EXPLAIN {deletes[0]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.split("\n")[0].startswith("Delete on mhi_registry_pendingrefresh")
    # no join of the batch to the queue, whatever the estimates: the rows are found by
    # their addresses (a TID scan on a queue of any size; a page or two read whole here)
    assert "Join" not in plan and "Nested Loop" not in plan
    assert "ctid = ANY" in plan


def test_people_are_queued_in_iin_order_and_once_each():
    """A load's people go into the queue sorted, so the queue's index is filled in order
    rather than split all over by a hashed order (a daily file of 2 000 000 people
    queued in a third of the time); a person given twice, or already queued, is queued
    once."""

    already = make_iin(700)
    PendingRefresh.objects.create(iin=already)
    people = [make_iin(700 + n) for n in (3, 1, 2, 1, 0)]
    values = ", ".join(f"('{iin}')" for iin in people)
    with connection.cursor() as cursor:
        added = store.queue_people(cursor, f"SELECT v.iin FROM (VALUES {values}) AS v(iin)")
    assert added == 3  # four people, one of them queued already
    assert sorted(PendingRefresh.objects.values_list("iin", flat=True)) == sorted(set(people))

    class Recorder:
        rowcount = 0

        def execute(self, statement, params):
            self.statement = statement

    recorder = Recorder()
    # a load's worth of people, whose distinct IINs the planner would hash
    many = "SELECT lpad(n::text, 12, '0') FROM generate_series(1, 2000000) AS n"
    store.queue_people(recorder, many)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {recorder.statement}")
        plan = [row[0].strip(" ->") for row in cursor.fetchall()]
    assert plan[0].startswith("Insert on mhi_registry_pendingrefresh")
    # the rows reach the insert sorted: a sort, or a de-duplication of sorted rows
    below = next(line for line in plan[1:] if not line.startswith(("Conflict", "Subquery")))
    assert below.startswith(("Sort", "Unique")), plan
