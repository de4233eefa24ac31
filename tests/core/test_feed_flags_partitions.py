"""Flags, derived values, partitioned append-mostly feeds, progress and the declaration
check of the shared feed pipeline (FEEDS.md), on the test feeds of tests/feedapp."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse

import core.feeds.admin  # noqa: F401  (registers the feed admin even before core.admin does)
from core.feeds import DATE, DECIMAL, INT, Column, Feed, Flag, Rule, get_feed
from core.feeds import registry as feed_registry
from core.feeds.checks import check_feed_declarations
from core.feeds.partitions import partition_bounds
from core.models import FeedFile, FeedRejection
from tests.feedapp.models import Payment, Reading, StationTally
from tests.feedapp.rows import reading, write_feed

pytestmark = pytest.mark.django_db
IIN = "000101300019"


def load(path, *extra: str, feed: str = "test_readings") -> dict:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_feed", feed, str(path), *extra, stdout=out, stderr=err)
    load.stderr = err.getvalue()
    return json.loads(out.getvalue())


def payments_file(tmp_path, name: str, rows: list[tuple[str, str, str]]):
    path = tmp_path / name
    path.write_text(
        "reference,iin,period,amount\r\n"
        + "".join(f"{ref},{IIN},{period},{amount}\r\n" for ref, period, amount in rows),
        encoding="utf-8",
    )
    return path


def partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'feedapp_payment'::regclass ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


# Flags: reject only what cannot be read, flag what looks wrong -------------------


def test_flagged_row_loads_with_its_flags_recorded_and_kept_beside_the_fact(tmp_path):
    path = write_feed(
        tmp_path,
        [
            reading(number="1"),
            reading(number="2", count="5000", amount="2000000"),  # two flags
            reading(number="3", amount="-1"),  # rejected
            reading(number="4", count="5000", taken_on="x"),  # rejected: no flag recorded
        ],
    )
    summary = load(path)
    assert {k: summary[k] for k in ("rows", "loaded", "rejected", "flagged")} == {
        "rows": 4,
        "loaded": 2,
        "rejected": 2,
        "flagged": 1,
    }
    flags = list(
        FeedRejection.objects.filter(kind="flag")
        .order_by("column")
        .values_list("row_number", "column", "value", "reason")
    )
    assert flags == [
        (3, "amount", "2000000", "The amount is a million or more."),
        (3, "count", "5000", "The count is over 1000."),
    ]
    assert sorted(
        FeedRejection.objects.filter(kind="reject").values_list("row_number", flat=True)
    ) == [4, 5]
    flagged = Reading.objects.get(number="2")
    assert flagged.flags == ["The count is over 1000.", "The amount is a million or more."]
    assert list(Reading.objects.flagged().values_list("number", flat=True)) == ["2"]
    assert FeedFile.objects.get().flagged == 1


def test_an_unchanged_flagged_row_is_counted_flagged_again(tmp_path):
    load(write_feed(tmp_path, [reading(count="5000")], name="test_readings_20250301.csv"))
    again = load(
        write_feed(
            tmp_path,
            [reading(count="5000"), reading(number="9")],
            name="test_readings_20250302.csv",
        )
    )
    assert (again["loaded"], again["unchanged"], again["flagged"]) == (1, 1, 1)
    assert Reading.objects.count() == 2


def test_a_file_of_only_bad_rows_loads_nothing_and_rejects_each_row(tmp_path):
    rows = [reading(number=str(n), amount="-1", taken_on="2025-02-30") for n in range(300)]
    summary = load(write_feed(tmp_path, rows))
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (300, 0, 300)
    assert not Reading.objects.exists()
    # each row: its unreadable date (the amount rule runs only on well-typed rows)
    assert FeedRejection.objects.filter(kind="reject", column="taken_on").count() == 300


def test_derived_value_is_stored_from_the_row(tmp_path):
    load(write_feed(tmp_path, [reading(colour="green"), reading(number="2", colour="")]))
    assert dict(Reading.objects.values_list("number", "colour_upper")) == {
        "1001": "GREEN",
        "2": "",
    }


def test_as_of_and_current_come_from_the_feed_identity(tmp_path):
    load(write_feed(tmp_path, [reading(count="1")], name="test_readings_20250301.csv"))
    load(write_feed(tmp_path, [reading(count="2")], name="test_readings_20250310.csv"))
    assert Reading.fact_identity() == ("station_bin", "series", "number")
    assert Reading.objects.as_of(dt.date(2025, 3, 5)).get().count == 1
    assert Reading.objects.as_of(dt.date(2025, 3, 10)).get().count == 2
    assert not Reading.objects.as_of(dt.date(2025, 2, 28)).exists()
    assert Reading.objects.current().get().count == 2


def test_post_load_hook_sees_the_new_versions(tmp_path):
    load(write_feed(tmp_path, [reading(number="1"), reading(number="2")]))
    assert list(StationTally.objects.values_list("readings", flat=True)) == [2]


# Append-mostly feeds partitioned by month --------------------------------------------


def test_partitions_are_created_when_a_file_needs_them(tmp_path):
    assert partitions() == []
    summary = load(
        payments_file(
            tmp_path,
            "test_payments_20250301.csv",
            [("R1", "2025-01", "100"), ("R1", "2025-02", "0"), ("R2", "2025-02", "5")],
        ),
        feed="test_payments",
    )
    assert (summary["loaded"], summary["flagged"]) == (3, 1)
    assert partitions() == ["feedapp_payment_p202501", "feedapp_payment_p202502"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text, count(*) FROM feedapp_payment GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [("feedapp_payment_p202501", 1), ("feedapp_payment_p202502", 2)]


def test_a_correction_in_an_existing_partition_is_a_new_version(tmp_path):
    load(
        payments_file(tmp_path, "test_payments_20250301.csv", [("R1", "2025-01", "100")]),
        feed="test_payments",
    )
    summary = load(
        payments_file(
            tmp_path,
            "test_payments_20250401.csv",
            [("R1", "2025-01", "101"), ("R3", "2025-04", "5")],
        ),
        feed="test_payments",
    )
    assert (summary["loaded"], summary["unchanged"]) == (2, 0)
    assert partitions() == ["feedapp_payment_p202501", "feedapp_payment_p202504"]
    history = list(
        Payment.objects.filter(reference="R1")
        .order_by("version")
        .values_list("amount", "is_current")
    )
    assert [(str(a), c) for a, c in history] == [("100.00", False), ("101.00", True)]
    assert str(Payment.objects.as_of(dt.date(2025, 3, 15)).get(reference="R1").amount) == "100.00"
    ids = list(Payment.objects.values_list("id", flat=True))
    assert len(set(ids)) == len(ids) == 3


def test_identity_and_one_current_version_hold_in_each_partition(tmp_path):
    load(
        payments_file(tmp_path, "test_payments_20250301.csv", [("R1", "2025-01", "100")]),
        feed="test_payments",
    )
    with (
        connection.cursor() as cursor,
        pytest.raises(Exception, match=r"duplicate key.*\n.*Key \(reference, iin, period\)"),
    ):
        cursor.execute(
            "INSERT INTO feedapp_payment (version, is_current, delivered_on, loaded_at, flags, "
            f"reference, iin, period, amount) VALUES (2, true, '2025-03-02', now(), '{{}}', "
            f"'R1', '{IIN}', '2025-01-01', 1)"
        )


def test_partition_bounds_by_month_and_year():
    assert partition_bounds(dt.date(2025, 12, 9), "month") == (
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        "p202512",
    )
    assert partition_bounds(dt.date(2025, 12, 9), "year") == (
        dt.date(2025, 1, 1),
        dt.date(2026, 1, 1),
        "p2025",
    )


def test_partition_key_must_be_a_required_date_in_the_identity():
    columns = [Column("a"), Column("d", DATE), Column("n", INT)]
    Feed(name="x", model="m.M", columns=columns, identity=("a", "d"), partition_by="d")
    for key, identity in (("n", ("a", "n")), ("d", ("a",))):
        with pytest.raises(Exception, match="partition key"):
            Feed(name="x", model="m.M", columns=columns, identity=identity, partition_by=key)


# Progress ------------------------------------------------------------------------------


def test_import_feed_shows_step_rows_and_rate_on_request(tmp_path):
    load(write_feed(tmp_path, [reading()]), "--progress")
    lines = load.stderr.splitlines()
    steps = [line.split()[1] for line in lines]
    assert steps[0] == "copy" and steps[-1] == "finish"
    assert {"check", "insert", "post_load"} <= set(steps)
    assert all("rows/s" in line for line in lines)
    assert (
        load(write_feed(tmp_path, [reading()], name="test_readings_20250305.csv"))
        and not load.stderr
    )


def test_admin_shows_flags_beside_the_file_and_progress_of_a_running_load(
    tmp_path, make_user, client
):
    load(write_feed(tmp_path, [reading(count="5000")]))
    loaded = FeedFile.objects.get()
    running = FeedFile.objects.create(
        feed="test_readings",
        file_name="big.csv",
        status="loading",
        step="insert",
        rows_done=1500000,
    )
    client.force_login(make_user("admin"))
    page = client.get(reverse("admin:core_feedfile_changelist")).content.decode()
    assert "kind__exact=flag" in page and f"feed_file__id__exact={loaded.pk}" in page
    assert "writing new versions: 1\u00a0500\u00a0000 rows" in page
    flags = client.get(reverse("admin:core_feedrejection_changelist"), {"kind__exact": "flag"})
    assert flags.context["cl"].result_count == 1
    assert "The count is over 1000." in flags.content.decode()
    running.delete()


# The declaration checked against the model ---------------------------------------------


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        (Column("count", DECIMAL), "DecimalField"),  # an integer field
        (Column("station_name", max_length=500), "max_length 100"),  # too short
        (Column("amount", INT), "IntegerField"),
        (Column("taken_on", DECIMAL), "DecimalField"),
    ],
)
def test_system_check_reports_a_column_its_field_cannot_hold(monkeypatch, column, problem):
    feed = get_feed("test_readings")
    columns = tuple(column if c.name == column.name else c for c in feed.columns)
    wrong = dataclasses.replace(feed, name="wrong_feed", columns=columns)
    monkeypatch.setitem(feed_registry._FEEDS, "wrong_feed", wrong)
    errors = [e for e in check_feed_declarations() if e.id == "feeds.E005"]
    assert len(errors) == 1 and problem in errors[0].msg, errors


def test_system_check_reports_a_required_field_the_feed_does_not_write(monkeypatch):
    feed = get_feed("test_readings")
    wrong = dataclasses.replace(
        feed,
        name="wrong_feed",
        columns=tuple(c for c in feed.columns if c.name != "count"),
        rules=tuple(r for r in feed.rules if "count" not in r.check),
    )
    monkeypatch.setitem(feed_registry._FEEDS, "wrong_feed", wrong)
    assert [e.id for e in check_feed_declarations()] == ["feeds.E006"]


def test_rule_kind_must_be_reject_or_flag():
    assert Flag("a > 0", column="a", reason="r").kind == "flag"
    assert Rule("a > 0", column="a", reason="r").kind == "reject"
    with pytest.raises(Exception, match="kind"):
        Rule("a > 0", column="a", reason="r", kind="warn")


def test_nullable_model_field_needed_for_an_optional_typed_column():
    assert isinstance(Reading._meta.get_field("period"), models.DateField)
    assert Reading._meta.get_field("period").null
