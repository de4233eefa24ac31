"""The shared feed-import pipeline (FEEDS.md, "Common rules"), exercised through the
test feeds declared in tests/feedapp and the import_feed command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import psycopg2
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import translation

import core.feeds.admin  # noqa: F401  (registers the feed admin even before core.admin does)
from core.feeds import (
    CHOICE,
    DATE,
    DECIMAL,
    IIN_BIN,
    INT,
    KATO,
    MONTH,
    OKED,
    TEXT,
    Column,
    Feed,
    FeedRefused,
    FileRule,
    Rule,
    get_feed,
)
from core.feeds import cells as feed_cells
from core.feeds import registry as feed_registry
from core.feeds.checks import check_feed_declarations
from core.feeds.inbox import process_inbox
from core.feeds.pipeline import INTERRUPTED, import_feed_file
from core.models import FeedFile, FeedRejection
from core.validators import is_valid_iin_bin
from tests.feedapp.models import Payment, Reading, StationTally
from tests.feedapp.rows import COLUMNS, csv_text, generated_rows, reading, write_feed

ROOT = Path(__file__).resolve().parent.parent.parent
IIN = "000101300019"  # a valid check digit
FEED = "test_readings"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


def run_command(path: Path, *extra: str) -> dict:
    return call_import(FEED, path, *extra)


def call_import(feed: str, path: Path, *extra: str) -> dict:
    out = io.StringIO()
    call_command("import_feed", feed, str(path), *extra, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, "the command prints exactly one line"
    return json.loads(lines[0])


def partitions_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY 1",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def table_exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def nothing_loaded() -> bool:
    return not Reading.objects.exists() and not FeedRejection.objects.exists()


# File name and delivery date ------------------------------------------------


@pytest.mark.django_db
def test_file_name_date_is_every_rows_delivered_on(tmp_path):
    path = write_feed(tmp_path, [reading()], name="test_readings_20250307_2.csv")
    summary = run_command(path)
    assert summary["delivered_on"] == "2025-03-07"
    assert Reading.objects.get().delivered_on == dt.date(2025, 3, 7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "contracts.csv",
        "test_readings_2025031.csv",
        "test_readings_20250230.csv",  # no such day
        "test_payments_20250301.csv",  # another feed's name
        "test_readings_20250301.txt",
    ],
)
def test_misnamed_file_is_refused_and_nothing_loaded(tmp_path, name):
    path = write_feed(tmp_path, [reading()], name=name)
    with pytest.raises(CommandError, match="YYYYMMDD"):
        run_command(path)
    assert nothing_loaded()
    refused = FeedFile.objects.get()
    assert (refused.status, refused.file_name) == ("refused", name)


@pytest.mark.django_db
def test_delivered_on_option_accepts_any_file_name(tmp_path):
    path = write_feed(tmp_path, [reading()], name="contracts from esbd.csv")
    summary = run_command(path, "--delivered-on", "2025-04-02")
    assert (summary["delivered_on"], summary["loaded"]) == ("2025-04-02", 1)
    assert Reading.objects.get().delivered_on == dt.date(2025, 4, 2)


# Unusable files: refused whole, nothing loaded ------------------------------


@pytest.mark.django_db
def test_missing_required_column_refuses_the_file_naming_it(tmp_path):
    columns = [c for c in COLUMNS if c != "amount"]
    path = write_feed(tmp_path, [reading()], columns=columns)
    with pytest.raises(CommandError) as error:
        run_command(path)
    assert "amount" in str(error.value)
    assert nothing_loaded()
    assert FeedFile.objects.get().status == "refused"
    assert "amount" in FeedFile.objects.get().error


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "test_readings_20250301.csv"
    path.write_bytes(csv_text([reading(station_name="Станция «Береке»")]).encode("cp1251"))
    with pytest.raises(CommandError, match="UTF-8"):
        run_command(path)
    assert nothing_loaded()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b",,,\r\n"])
def test_file_without_header_is_refused(tmp_path, content):
    path = tmp_path / "test_readings_20250301.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="header"):
        run_command(path)
    assert nothing_loaded()


@pytest.mark.django_db
def test_header_naming_no_column_is_refused_as_no_header(tmp_path):
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    with pytest.raises(FeedRefused, match="No header row"):
        import_feed_file(feed=FEED, path=path)


@pytest.mark.django_db
def test_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run_command(tmp_path / "test_readings_20250301.csv")


@pytest.mark.django_db
def test_unknown_feed_is_an_error():
    with pytest.raises(CommandError, match="Unknown feed"):
        call_command("import_feed", "no_such_feed", "x.csv")


@pytest.mark.django_db(transaction=True)
def test_refused_file_exits_non_zero_with_a_message(tmp_path):
    """Through a real process: the exit status and the message are what operators see."""
    path = write_feed(tmp_path, [reading()], columns=[c for c in COLUMNS if c != "taken_on"])
    result = subprocess.run(
        [sys.executable, "manage.py", "import_feed", FEED, str(path)],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "taken_on" in result.stderr
    assert result.stdout == ""


# Columns ---------------------------------------------------------------------


@pytest.mark.django_db
def test_columns_in_any_order_and_unknown_extras_ignored(tmp_path):
    columns = ["note", *reversed(COLUMNS), "Another Column"]
    rows = [{**reading(), "note": "ignored", "Another Column": "x"}]
    path = write_feed(tmp_path, rows, columns=columns)
    summary = run_command(path)
    assert (summary["loaded"], summary["rejected"]) == (1, 0)
    assert Reading.objects.get().number == reading()["number"]


@pytest.mark.django_db
def test_header_names_are_trimmed_and_case_insensitive_and_bom_tolerated(tmp_path):
    text = csv_text([reading()]).replace("station_bin", " Station_BIN ", 1)
    path = tmp_path / "test_readings_20250301.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert run_command(path)["loaded"] == 1


@pytest.mark.django_db
def test_column_twice_in_header_is_refused(tmp_path):
    path = write_feed(tmp_path, [reading()], columns=[*COLUMNS, "amount"])
    with pytest.raises(FeedRefused, match="amount"):
        import_feed_file(feed=FEED, path=path)


# Bad rows do not stop good rows ------------------------------------------------


@pytest.mark.django_db
def test_rejections_record_spreadsheet_row_column_value_reason(tmp_path):
    text = csv_text(
        [
            reading(number="1", station_name="Line one\nline two"),  # row 2
            reading(number="2", taken_on="2025-15-01"),  # row 3
            reading(number="3"),  # row 4
        ]
    )
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text(text, encoding="utf-8")
    summary = run_command(path)
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (3, 2, 1)
    rejection = FeedRejection.objects.get()
    assert rejection.feed_file == FeedFile.objects.get(status="loaded")
    # A quoted line break stays inside its row, as in a spreadsheet.
    assert (rejection.row_number, rejection.column, rejection.value) == (
        3,
        "taken_on",
        "2025-15-01",
    )
    assert rejection.reason == feed_cells.NOT_DATE
    assert Reading.objects.get(number="1").station_name == "Line one\nline two"


@pytest.mark.django_db
def test_row_with_wrong_number_of_fields_is_rejected_others_load(tmp_path):
    good = csv_text([reading(number="1")])
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text(good + "only,three,fields\r\n" + good.split("\r\n", 1)[1], encoding="utf-8")
    summary = run_command(path)
    assert (summary["rows"], summary["loaded"], summary["rejected"], summary["superseded"]) == (
        3,
        1,
        1,
        1,
    )
    rejection = FeedRejection.objects.get()
    assert (rejection.row_number, rejection.column, rejection.value) == (3, "", "3")


@pytest.mark.django_db
def test_blank_lines_are_skipped_but_keep_row_numbers(tmp_path):
    header, row = csv_text([reading(taken_on="bad")]).split("\r\n", 1)
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text(
        header + "\r\n\r\n" + "," * (len(COLUMNS) - 1) + "\r\n" + row + "\r\n", encoding="utf-8"
    )
    summary = run_command(path)
    assert (summary["rows"], summary["rejected"]) == (1, 1)
    assert FeedRejection.objects.get().row_number == 4


@pytest.mark.django_db
@pytest.mark.parametrize("size", [200_000, 3_000_000])
def test_an_oversized_cell_rejects_its_row_not_the_file(tmp_path, size):
    """A cell far over any column's length (beyond Python's 128 KB CSV field limit, and
    beyond a reading block) is its row's problem: the other rows load."""
    text = csv_text(
        [reading(number="1"), reading(number="2", station_name="Ж" * size), reading(number="3")]
    )
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text(text, encoding="utf-8")
    summary = run_command(path)
    assert (summary["loaded"], summary["rejected"]) == (2, 1)
    rejection = FeedRejection.objects.get()
    assert (rejection.row_number, rejection.column, rejection.reason) == (
        3,
        "station_name",
        feed_cells.TOO_LONG,
    )
    assert rejection.value == "Ж" * 1000
    assert set(Reading.objects.values_list("number", flat=True)) == {"1", "3"}


@pytest.mark.django_db
def test_nul_character_rejects_only_its_row(tmp_path):
    text = csv_text([reading(number="1"), reading(number="2", station_name="A\x00B")])
    path = tmp_path / "test_readings_20250301.csv"
    path.write_text(text, encoding="utf-8")
    summary = run_command(path)
    assert (summary["loaded"], summary["rejected"]) == (1, 1)
    assert FeedRejection.objects.get().row_number == 3


# Exactly once, versions -------------------------------------------------------


@pytest.mark.django_db
def test_duplicate_file_is_skipped_and_reported(tmp_path):
    first = write_feed(tmp_path, [reading()], name="test_readings_20250301.csv")
    run_command(first)
    again = tmp_path / "test_readings_20250302.csv"
    again.write_bytes(first.read_bytes())
    summary = run_command(again)
    assert summary == {
        "feed": FEED,
        "file": "test_readings_20250302.csv",
        "delivered_on": "2025-03-02",
        "rows": 0,
        "loaded": 0,
        "unchanged": 0,
        "superseded": 0,
        "rejected": 0,
        "flagged": 0,
        "duplicate_file": True,
    }
    assert Reading.objects.count() == 1
    duplicate = FeedFile.objects.get(status="duplicate")
    assert duplicate.duplicate_of == FeedFile.objects.get(status="loaded")


@pytest.mark.django_db
def test_new_version_unchanged_and_superseded_are_counted(tmp_path):
    run_command(
        write_feed(
            tmp_path,
            [reading(number="A"), reading(number="B")],
            name="test_readings_20250301.csv",
        )
    )
    summary = run_command(
        write_feed(
            tmp_path,
            [
                reading(number="A"),  # identical: unchanged
                reading(number="B", count="99"),  # changed: new version
                reading(number="C", count="1"),  # overtaken below: superseded
                reading(number="C", count="2"),  # last valid row of C wins
                reading(number="C", amount="-5"),  # invalid: does not win
            ],
            name="test_readings_20250302.csv",
        )
    )
    assert {k: summary[k] for k in ("rows", "loaded", "unchanged", "superseded", "rejected")} == {
        "rows": 5,
        "loaded": 2,
        "unchanged": 1,
        "superseded": 1,
        "rejected": 1,
    }
    assert summary["rows"] == sum(
        summary[k] for k in ("loaded", "unchanged", "superseded", "rejected")
    )
    current = dict(Reading.objects.current().values_list("number", "count"))
    assert current == {"A": 42, "B": 99, "C": 2}
    assert Reading.objects.filter(number="B").count() == 2
    assert Reading.objects.filter(number="A").count() == 1


@pytest.mark.django_db
def test_as_of_keeps_the_older_version(tmp_path):
    run_command(write_feed(tmp_path, [reading(count="10")], name="test_readings_20250301.csv"))
    run_command(write_feed(tmp_path, [reading(count="20")], name="test_readings_20250315.csv"))
    answers = {
        day: list(Reading.objects.as_of(dt.date(2025, 3, day)).values_list("count", flat=True))
        for day in (1, 14, 15)
    }
    assert answers == {1: [10], 14: [10], 15: [20]}


@pytest.mark.django_db
def test_file_delivered_earlier_but_loaded_later_fills_history_not_current(tmp_path):
    run_command(write_feed(tmp_path, [reading(count="10")], name="test_readings_20250301.csv"))
    run_command(write_feed(tmp_path, [reading(count="30")], name="test_readings_20250320.csv"))
    summary = run_command(
        write_feed(tmp_path, [reading(count="20")], name="test_readings_20250310.csv")
    )
    assert summary["loaded"] == 1
    assert Reading.objects.current().get().count == 30
    as_of = {day: Reading.objects.as_of(dt.date(2025, 3, day)).get().count for day in (5, 12, 25)}
    assert as_of == {5: 10, 12: 20, 25: 30}
    # The same late values again (another file) are unchanged against what was known then.
    again = run_command(
        write_feed(
            tmp_path,
            [reading(count="20")],
            name="test_readings_20250311.csv",
            columns=[*COLUMNS, "note"],
        )
    )
    assert (again["loaded"], again["unchanged"]) == (0, 1)


@pytest.mark.django_db
def test_two_loads_on_the_same_delivery_date_the_later_wins(tmp_path):
    run_command(write_feed(tmp_path, [reading(count="1")], name="test_readings_20250301.csv"))
    run_command(write_feed(tmp_path, [reading(count="2")], name="test_readings_20250301_2.csv"))
    assert Reading.objects.as_of(dt.date(2025, 3, 1)).get().count == 2
    assert Reading.objects.current().get().version == 2


@pytest.mark.django_db(transaction=True)
def test_exactly_once_a_load_failing_midway_leaves_nothing_and_a_rerun_loads_once(
    tmp_path, monkeypatch
):
    """The post-load hook runs after facts are written; its failure rolls back everything."""
    feed = get_feed(FEED)

    def boom(context):
        assert Reading.objects.count() == 3  # written, inside the transaction
        raise RuntimeError("hook failed")

    broken = dataclasses.replace(feed, post_load=(*feed.post_load, boom))
    monkeypatch.setitem(feed_registry._FEEDS, FEED, broken)
    rows = [reading(number=str(n)) for n in range(3)] + [reading(taken_on="x")]
    path = write_feed(tmp_path, rows)

    with pytest.raises(RuntimeError, match="hook failed"):
        run_command(path)
    assert nothing_loaded()
    failed = FeedFile.objects.get()
    assert failed.status == "failed"
    assert "hook failed" in failed.error
    assert failed.finished_at is not None

    monkeypatch.setitem(feed_registry._FEEDS, FEED, feed)
    summary = run_command(path)
    assert (summary["loaded"], summary["rejected"], summary["duplicate_file"]) == (3, 1, False)
    assert Reading.objects.count() == 3
    assert FeedRejection.objects.count() == 1
    assert list(FeedFile.objects.order_by("id").values_list("status", flat=True)) == [
        "failed",
        "loaded",
    ]
    assert run_command(path)["duplicate_file"] is True


def hold_lock(statement: str, params=()) -> Any:
    """A connection of its own holding the lock ``statement`` takes, until closed."""
    db = settings.DATABASES["default"]
    holder = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    with holder.cursor() as cursor:
        cursor.execute(statement, params)
    return holder


def wait_for(
    condition, what: str, process: subprocess.Popen, timeout: float = 180, pause: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the load finished before {what}: {out!r} {err[-2000:]!r}")
        if condition():
            return
        time.sleep(pause)
    pytest.fail(f"never saw {what}")


def load_waits_on_a_lock() -> bool:
    """The load's own session (the one with its transaction) is waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' "
            "AND (application_name LIKE 'import_feed:%%' OR query LIKE 'UPDATE core_feedfile%%')"
        )
        return cursor.fetchone()[0] > 0


def attempt_at(step: str, rows: int = 0):
    def check() -> bool:
        return FeedFile.objects.filter(status="loading", step=step, rows_done__gte=rows).exists()

    return check


# Where to stop a load, and how: a lock the test holds that the load's next statement needs.
# (step shown on the FeedFile, rows done by then, the lock, the load's statement then running)
KILL_POINTS = {
    # During the COPY: the progress report of the next chunk waits on the file's row.
    "copy": (
        "copy",
        1,
        "SELECT 1 FROM core_feedfile WHERE status = 'loading' FOR UPDATE",
        "COPY feed_checked",
    ),
    # Validation done, its rejections being written.
    "rejections": (
        "rejections",
        0,
        "BEGIN; LOCK TABLE core_feedrejection IN EXCLUSIVE MODE",
        'INSERT INTO "core_feedrejection"',
    ),
    # New versions being written (reads of the fact table still pass).
    "insert": (
        "insert",
        0,
        "BEGIN; LOCK TABLE feedapp_reading IN EXCLUSIVE MODE",
        'INSERT INTO "feedapp_reading"',
    ),
    # Facts written, a post-load hook running.
    "post_load": (
        "post_load",
        0,
        "BEGIN; LOCK TABLE feedapp_stationtally IN EXCLUSIVE MODE",
        "INSERT INTO feedapp_stationtally",
    ),
}


def load_statement(name: str = f"import_feed:{FEED}") -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND state = 'active'",
            [name],
        )
        found = cursor.fetchone()
    return found[0] if found else ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_exactly_once_a_load_killed_at_any_step_leaves_nothing_and_a_rerun_loads_once(
    tmp_path, point
):
    """SIGKILL of a real `manage.py import_feed` at several steps (FEEDS.md, "Exactly once"):
    nothing of the file is visible, and a rerun loads every row exactly once with every
    counter right."""
    # COPYed in many chunks, so that the test can catch the COPY under way.
    count = 60_000 if point == "copy" else 6000
    rows = generated_rows(count)
    rows[10] = {**rows[10], "taken_on": "2025-02-30"}  # rejected
    rows[20] = {**rows[20], "count": "5000"}  # flagged
    path = write_feed(tmp_path, rows, name="test_readings_20250401.csv")
    step, min_rows, lock, statement = KILL_POINTS[point]
    if point == "copy":
        holder = None
    else:
        holder = hold_lock(lock)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_feed", FEED, str(path)],
        cwd=ROOT,
        env={**worker_env(), "FEED_PROGRESS_INTERVAL": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if point == "copy":
            wait_for(attempt_at("copy"), "the COPY under way", process, pause=0.002)
            holder = hold_lock("BEGIN; " + lock)
        else:
            wait_for(attempt_at(step, min_rows), f"step {step}", process)
        wait_for(load_waits_on_a_lock, f"the load waiting in step {step}", process)
        running = load_statement()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if holder is not None:
            holder.close()
    assert running.startswith(statement), running[:200]
    wait_until_backend_gone()

    assert nothing_loaded()
    assert not StationTally.objects.exists()
    attempt = FeedFile.objects.get()
    assert (attempt.status, attempt.step) == ("loading", step)  # ops see where it stopped

    summary = run_command(path)
    assert {k: summary[k] for k in ("rows", "loaded", "rejected", "flagged", "superseded")} == {
        "rows": count,
        "loaded": count - 1,
        "rejected": 1,
        "flagged": 1,
        "superseded": 0,
    }
    assert Reading.objects.count() == count - 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT DISTINCT station_bin, series, number "
            "FROM feedapp_reading) AS d"
        )
        assert cursor.fetchone()[0] == count - 1
    assert FeedRejection.objects.filter(kind="reject").count() == 1
    assert FeedRejection.objects.filter(kind="flag").count() == 1
    assert sum(StationTally.objects.values_list("readings", flat=True)) == count - 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.error) == ("failed", INTERRUPTED)
    loaded = FeedFile.objects.get(status="loaded")
    assert (loaded.rows, loaded.loaded, loaded.rejected, loaded.flagged) == (count, count - 1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_exactly_once_a_partitioned_load_killed_while_attaching_leaves_no_partition(tmp_path):
    """Killed while its new partition is attached: no partition, no loading table remains."""
    path = tmp_path / "test_payments_20250401.csv"
    path.write_text(
        "reference,iin,period,amount\r\n"
        + "".join(f"R{n},{IIN},2025-03,{n}.00\r\n" for n in range(1, 301)),
        encoding="utf-8",
    )
    holder = hold_lock("BEGIN; LOCK TABLE feedapp_payment IN EXCLUSIVE MODE")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_feed", "test_payments", str(path)],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(attempt_at("insert"), "step insert", process)
        wait_for(load_waits_on_a_lock, "the load waiting to attach", process)
        running = load_statement("import_feed:test_payments")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        holder.close()
    wait_until_backend_gone("import_feed:test_payments")
    assert running.startswith('ALTER TABLE "feedapp_payment" ATTACH PARTITION'), running
    assert partitions_of("feedapp_payment") == []
    assert not table_exists("feedapp_payment__loading")

    summary = call_import("test_payments", path)
    assert (summary["loaded"], summary["rejected"]) == (300, 0)
    assert partitions_of("feedapp_payment") == ["feedapp_payment_p202503"]
    assert Payment.objects.count() == 300


@pytest.mark.django_db(transaction=True)
def test_exactly_once_two_processes_loading_the_same_file_at_once(tmp_path):
    """Two workers given the same file: one loads it, the other finds a duplicate."""
    count = 3000
    path = write_feed(tmp_path, generated_rows(count), name="test_readings_20250402.csv")
    command = [sys.executable, "manage.py", "import_feed", FEED, str(path)]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=worker_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    summaries = [json.loads(p.communicate(timeout=180)[0]) for p in processes]
    assert all(p.returncode == 0 for p in processes)
    assert sorted((s["duplicate_file"], s["loaded"]) for s in summaries) == [
        (False, count),
        (True, 0),
    ]
    assert Reading.objects.count() == count
    assert sorted(FeedFile.objects.values_list("status", flat=True)) == ["duplicate", "loaded"]


def worker_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}


def wait_until_backend_gone(name: str = f"import_feed:{FEED}", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = %s",
                [name],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
    pytest.fail("the killed load's database session did not end")


# Whole-file rules -------------------------------------------------------------


@pytest.mark.django_db
def test_file_rule_refuses_the_whole_file(tmp_path, monkeypatch):
    """A feed may refuse a file as a whole (e.g. a security-forces list mixing authorities)."""
    feed = get_feed(FEED)
    single_station = dataclasses.replace(
        feed,
        file_rules=(FileRule("count(DISTINCT station_bin) <= 1", reason="One station per file."),),
    )
    monkeypatch.setitem(feed_registry._FEEDS, FEED, single_station)
    other = generated_rows(2)[1]
    path = write_feed(tmp_path, [reading(), other])
    with pytest.raises(CommandError, match="One station per file"):
        run_command(path)
    assert nothing_loaded()
    assert FeedFile.objects.get().status == "refused"
    ok = write_feed(tmp_path, [reading()], name="test_readings_20250305.csv")
    assert run_command(ok)["loaded"] == 1


# Column types ----------------------------------------------------------------------


def cell_errors(column: Column, values: list[str | None]) -> list[str | None]:
    frame = pl.LazyFrame({"v": values}, schema={"v": pl.String})
    return (
        frame.select(feed_cells.error_expr(column, feed_cells.trimmed("v")))
        .collect()[:, 0]
        .to_list()
    )


@pytest.mark.parametrize(
    ("column", "good", "bad"),
    [
        (
            Column("d", DATE),
            ["2024-02-29", "0001-01-01"],
            ["2023-02-29", "2024-1-01", "2024-01-01x", "０２４-01-01"],
        ),
        (
            Column("m", MONTH),
            ["2024-12", "2025-01"],
            ["2024-13", "2024-00", "2024-1", "2024-01-01"],
        ),
        (
            Column("a", DECIMAL),
            ["0", "-12.5", "+7.05", "1234567890123.99"],
            ["1.234", "1,5", "1e3", ".5", "12345678901234"],
        ),
        (Column("i", INT), ["0", "-3", "123456789"], ["1.0", "1234567890", "x"]),
        (Column("k", KATO), ["751110000"], ["75111000", "7511100000", "75111000a"]),
        (Column("o", OKED), ["41201", "41.20.1"], ["4120", "41.201", "4120.1", "41-20-1"]),
        (Column("c", CHOICE, choices=("x", "y")), ["x", "y"], ["X", "z"]),
        (Column("t", TEXT, max_length=3), ["abc", "ӘҒҚ"], ["abcd"]),
    ],
)
def test_column_types_accept_good_cells_and_reject_bad_ones(column, good, bad):
    assert cell_errors(column, good) == [None] * len(good)
    assert all(cell_errors(column, bad)), cell_errors(column, bad)


def test_empty_cell_is_an_error_only_in_a_non_blank_column():
    assert cell_errors(Column("x", DATE), [None]) == [feed_cells.MISSING]
    assert cell_errors(Column("x", DATE, required=False), [None]) == [None]
    assert cell_errors(Column("x", TEXT, blank=True), [None]) == [None]


def test_feed_iin_bin_check_digit_agrees_with_python():
    """FEEDS.md: weights 1..11, then 3..11,1,2; a second remainder of 10 is invalid."""
    rng = random.Random(12)
    numbers = [f"{rng.randrange(10**12):012d}" for _ in range(3000)]
    numbers += ["000000000000", "999999999999", "12345678901", "1234567890123", "12345678901a"]
    errors = cell_errors(Column("b", IIN_BIN), numbers)
    in_feed = {n: e is None for n, e in zip(numbers, errors, strict=True)}
    assert in_feed == {n: is_valid_iin_bin(n) for n in numbers}
    assert sum(in_feed.values()) > 200  # the sample holds valid numbers too
    assert cell_errors(Column("b", IIN_BIN), [numbers[0][:11]]) == [feed_cells.IIN_BIN_DIGITS]


# Declarations and checks -----------------------------------------------------------


def test_declarations_are_validated():
    with pytest.raises(ImproperlyConfigured):
        Feed(name="x", model="feedapp.Reading", columns=[Column("a")], identity=("b",))
    with pytest.raises(ImproperlyConfigured):
        Column("version")  # reserved for the fact bookkeeping
    with pytest.raises(ImproperlyConfigured):
        Column("Bad-Name")
    with pytest.raises(ImproperlyConfigured):
        Column("c", CHOICE)
    with pytest.raises(ImproperlyConfigured):
        # an identity column that may be empty must be text (stored as "")
        Feed(name="x", model="m.M", columns=[Column("d", DATE, required=False)], identity=("d",))
    with pytest.raises(ImproperlyConfigured):
        Feed(
            name="x",
            model="m.M",
            columns=[Column("a")],
            identity=("a",),
            rules=[Rule("a <> ''", column="zz", reason="r")],
        )


def test_registry_finds_feeds_declared_in_apps():
    assert get_feed(FEED).model == "feedapp.Reading"
    assert get_feed("esbd_contracts").model == "contracts.OsnsContract"


def test_system_check_reports_a_feed_its_model_cannot_hold(monkeypatch):
    assert check_feed_declarations() == []
    feed = get_feed(FEED)
    wrong = dataclasses.replace(feed, name="wrong_feed", columns=(*feed.columns, Column("shade")))
    monkeypatch.setitem(feed_registry._FEEDS, "wrong_feed", wrong)
    assert [e.id for e in check_feed_declarations()] == ["feeds.E003"]


# Inbox -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_inbox_loads_in_delivery_order_then_n_and_moves_files(tmp_path, settings):
    settings.FEED_INBOX_ROOT = tmp_path
    inbox = tmp_path / FEED
    inbox.mkdir()
    write_feed(inbox, [reading(count="3")], name="test_readings_20250302.csv")
    write_feed(inbox, [reading(count="2")], name="test_readings_20250301_2.csv")
    write_feed(inbox, [reading(count="1")], name="test_readings_20250301.csv")
    write_feed(inbox, [reading()], name="misnamed.csv")
    (inbox / "test_readings_20250303.csv.part").write_text("being written")

    result = process_inbox(feed=FEED)

    assert [(f["file"], f["status"]) for f in result["files"]] == [
        ("misnamed.csv", "refused"),
        ("test_readings_20250301.csv", "loaded"),
        ("test_readings_20250301_2.csv", "loaded"),
        ("test_readings_20250302.csv", "loaded"),
    ]
    history = list(Reading.objects.order_by("version").values_list("version", "count"))
    assert history == [(1, 1), (2, 2), (3, 3)]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "test_readings_20250301.csv",
        "test_readings_20250301_2.csv",
        "test_readings_20250302.csv",
    ]
    assert [p.name for p in (inbox / "refused").iterdir()] == ["misnamed.csv"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [
        "test_readings_20250303.csv.part"
    ]

    # Idempotent: a file delivered again is a duplicate; nothing new is loaded.
    (inbox / "processed" / "test_readings_20250302.csv").rename(
        inbox / "test_readings_20250302.csv"
    )
    again = process_inbox(feed=FEED)
    assert [f["status"] for f in again["files"]] == ["duplicate"]
    assert Reading.objects.count() == 3


@pytest.mark.django_db
def test_inbox_without_a_folder_does_nothing(tmp_path, settings):
    settings.FEED_INBOX_ROOT = tmp_path
    assert process_inbox(feed=FEED) == {"feed": FEED, "files": []}


# Admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_shows_feed_files_and_rejections_read_only(tmp_path, make_user, client):
    run_command(write_feed(tmp_path, [reading(), reading(number="2", taken_on="bad")]))
    feed_file = FeedFile.objects.get()
    client.force_login(make_user("admin"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    listing = client.get(
        reverse("admin:core_feedfile_changelist"), {"feed": FEED, "status": "loaded"}
    )
    assert listing.status_code == 200
    assert feed_file.file_name in listing.content.decode()
    detail = client.get(reverse("admin:core_feedfile_change", args=[feed_file.pk]))
    assert detail.status_code == 200
    rejections_url = (
        reverse("admin:core_feedrejection_changelist") + f"?feed_file__id__exact={feed_file.pk}"
    )
    assert rejections_url.replace("&", "&amp;") in listing.content.decode()
    rejections = client.get(rejections_url)
    assert rejections.status_code == 200
    assert rejections.context["cl"].result_count == 1
    assert feed_cells.NOT_DATE in rejections.content.decode()
    assert client.get(reverse("admin:core_feedfile_add")).status_code == 403


@pytest.mark.django_db
def test_ops_role_may_view_feed_runs(tmp_path, make_user, client):
    run_command(write_feed(tmp_path, [reading()]))
    ops = make_user("ops")
    ops.is_staff = True
    ops.save()
    client.force_login(ops)
    assert client.get(reverse("admin:core_feedfile_changelist")).status_code == 200
    assert client.get(reverse("admin:core_feedrejection_changelist")).status_code == 200
