"""Benchmark of the feed pipeline: ``import_feed`` against a raw COPY of the same file.

Runs on a database of its own (the name of DATABASE_URL's database plus
``_bench_feeds``; created and migrated when missing). Each load is a real
``manage.py import_feed`` process (its peak RSS measured by the kernel), and
each is compared with a plain ``COPY`` of the same file into an unindexed table
of text columns, measured just before it in the same run:

- ``esbd_contracts`` with ``--rows`` N each (e.g. 200000 2000000): a first
  delivery of N new contracts into an empty fact table, then a second delivery
  of the same contracts with ``--changed`` of them changed (new versions
  against unchanged rows);
- ``--payments`` M (e.g. 2000000): an append-mostly feed partitioned by month
  (``test_payments``, declared in tests/feedapp) receiving M rows of a new
  month into a table already holding ``--payments-existing`` rows (20 000 000),
  made once by SQL (``generate_series``), not by Python.

Files are written by streaming generators (the esbd rows) or by PostgreSQL
itself (``COPY ... TO``), so the benchmark's own memory stays small. Appends
(or replaces) its section of bench/RESULTS.md.

    DATABASE_URL=postgres://... python bench/feeds.py --rows 200000 2000000 \\
        --payments 2000000 --payments-existing 20000000
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _database import bench_database  # noqa: E402
from _floor import floor_copy  # noqa: E402

SECTION = "## Feed import (bench/feeds.py)"
FEED = "esbd_contracts"
PAYMENTS = "test_payments"
SETTINGS = "bench_settings"


def feed_columns() -> list[str]:
    """The columns of the esbd_contracts file, as the feed declares them."""
    from contracts.feeds import ESBD_CONTRACTS

    return [column.name for column in ESBD_CONTRACTS.columns]


def make_bin(rng: random.Random, prefix: str) -> str:
    from core.validators import check_digit

    while True:
        first = prefix + "".join(str(rng.randrange(10)) for _ in range(11 - len(prefix)))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


REASONS = ["По инициативе страхователя", "Сақтандырушының бастамасы бойынша", "Ликвидация"]


def generate_rows(count: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """``count`` distinct contracts of 12 insurers and count/3 employers, one at a time."""
    rng = random.Random(seed)
    insurers = [make_bin(rng, "0101") for _ in range(12)]
    employers = [make_bin(rng, "1004") for _ in range(min(max(1, count // 3), 50_000))]
    regions = ["11", "15", "19", "35", "47", "55", "63", "71", "75", "79"]
    for i in range(count):
        start = date.fromordinal(date(2025, 1, 1).toordinal() + rng.randrange(365))
        end = date.fromordinal(start.toordinal() + 364)
        employer = i % len(employers)
        terminated = rng.random() < 0.05
        yield {
            "insurer_bin": insurers[i % len(insurers)],
            "insurer_name": f"АО «Компания по страхованию жизни {i % len(insurers)}»",
            "contract_series": "ОС" if i % 3 else "",
            "contract_number": f"{i:09d}",
            "policyholder_bin": employers[employer],
            "policyholder_name": f"ТОО «Предприятие {employer}»",
            "policyholder_kato": regions[employer % len(regions)] + "1110000",
            "policyholder_oked": rng.choice(["41201", "47.11.0", "01110", "86101"]),
            "concluded_on": date.fromordinal(start.toordinal() - rng.randrange(20)).isoformat(),
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "termination_reason": rng.choice(REASONS) if terminated else "",
            "terminated_on": date.fromordinal(start.toordinal() + 100).isoformat()
            if terminated
            else "",
            "annual_payroll_kzt": f"{rng.randrange(10_000_000, 5_000_000_000)}.00",
            # About 2 % under the 70 000 floor: loaded, flagged.
            "premium_kzt": f"{rng.randrange(69_000, 900_000)}.{rng.randrange(100):02d}",
            "workers_count": str(rng.randrange(1, 2000)),
        }


def write_esbd(path: Path, count: int, changed_share: float = 0.0) -> int:
    """Writes the file; returns how many rows differ from the first delivery."""
    rng = random.Random(2)
    changed = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=feed_columns(), lineterminator="\r\n")
        writer.writeheader()
        for row in generate_rows(count):
            if changed_share and rng.random() < changed_share:
                row["workers_count"] = str(int(row["workers_count"]) + 1)
                changed += 1
            writer.writerow(row)
    return changed


def raw_copy(connection, path: Path) -> float:
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    columns = ", ".join(f"{c} text" for c in header)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(f"CREATE TABLE bench_raw_copy ({columns})")
    started = time.perf_counter()
    with connection.cursor() as cursor, path.open("rb") as f:
        cursor.copy_expert("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", f)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_copy")
    return seconds


def reset_esbd(connection) -> None:
    """The same starting state for every run: no facts, files or registered organisations."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contracts_osnscontract, core_feedrejection, core_feedfile RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM core_organisation o WHERE NOT EXISTS "
            "(SELECT 1 FROM core_userprofile p WHERE p.organisation_id = o.id)"
        )
        cursor.execute("VACUUM ANALYZE contracts_osnscontract")
        cursor.execute("VACUUM ANALYZE core_organisation")


def import_feed(feed: str, path: Path) -> tuple[float, float, dict, dict[str, float], float]:
    """A real ``manage.py import_feed``: (process seconds, load seconds, summary, seconds per
    step, peak RSS MB). The load seconds run from reading the file to the commit."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "LOG_LEVEL": "DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "import_feed", feed, str(path)]
            + ["--no-progress"],
            env=env,
            stdout=out_file,
            stderr=err_file,
        )
        # wait4 gives this process's own resource use: its peak RSS.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise SystemExit(f"import_feed failed:\n{err[-3000:]}")
    rss_mb = usage.ru_maxrss / 1024
    steps: dict[str, float] = {}
    load = seconds
    for line in err.splitlines():
        if "seconds per step" in line:
            steps = ast.literal_eval(line[line.index("{") :])
        if "load seconds" in line:
            load = float(line.split("load seconds ")[1].split()[0])
    return seconds, load, json.loads(out.strip().splitlines()[-1]), steps, rss_mb


# The partitioned feed -----------------------------------------------------

EXISTING_MONTHS = 20


def ensure_existing_payments(connection, total: int) -> float:
    """``total`` payment facts over 20 months (2024-01 .. 2025-08), built by SQL once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM feedapp_payment")
        if cursor.fetchone()[0] == total:
            return 0.0
    started = time.perf_counter()
    per_month = total // EXISTING_MONTHS
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE feedapp_payment, core_feedrejection, core_feedfile CASCADE")
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'feedapp_payment'::regclass"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE "{name}"')
        cursor.execute("SELECT pg_get_serial_sequence('feedapp_payment', 'id')")
        sequence = cursor.fetchone()[0]
        for month in range(EXISTING_MONTHS):
            start = date(2024 + month // 12, month % 12 + 1, 1)
            end = date(2024 + (month + 1) // 12, (month + 1) % 12 + 1, 1)
            name = f"feedapp_payment_p{start:%Y%m}"
            cursor.execute(
                f'CREATE TABLE "{name}" (LIKE feedapp_payment INCLUDING DEFAULTS '
                "INCLUDING GENERATED INCLUDING CONSTRAINTS)"
            )
            # Each month: per_month payments of 10 persons per reference, from
            # 2 000 000 persons whose IINs carry a valid check digit (feed_iin_bin_valid).
            cursor.execute(
                f'INSERT INTO "{name}" (id, version, is_current, delivered_on, loaded_at, flags, '
                "reference, iin, period, amount, feed_file_id) "
                f"SELECT nextval('{sequence}'), 1, true, %s, now(), '{{}}', "
                "'REF' || to_char(%s::date, 'YYYYMM') || lpad((g / 10)::text, 8, '0'), p.iin, "
                "%s, 1000 + (g %% 50000), NULL "
                "FROM generate_series(0, %s - 1) AS g "
                "JOIN bench_persons AS p ON p.n = g %% 2000000",
                [end, start, start, per_month],
            )
            cursor.execute(
                f'ALTER TABLE feedapp_payment ATTACH PARTITION "{name}" '
                f"FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        cursor.execute("VACUUM ANALYZE feedapp_payment")
    return time.perf_counter() - started


def ensure_persons(connection) -> None:
    """2 000 000 IINs with a valid check digit, by SQL (the product's own check)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_persons (n integer PRIMARY KEY, iin text)")
        cursor.execute("SELECT count(*) FROM bench_persons")
        if cursor.fetchone()[0] == 2_000_000:
            return
        cursor.execute("TRUNCATE bench_persons")
        cursor.execute(
            "INSERT INTO bench_persons SELECT row_number() OVER () - 1, iin FROM ("
            "SELECT c.base || d.digit AS iin FROM generate_series(1, 2300000) AS g "
            "CROSS JOIN LATERAL (SELECT '9001' || lpad(g::text, 7, '0') AS base) AS c "
            "CROSS JOIN LATERAL (SELECT digit::text FROM generate_series(0, 9) AS digit "
            "WHERE feed_iin_bin_valid(c.base || digit::text) LIMIT 1) AS d) AS v LIMIT 2000000"
        )


def write_payments(connection, path: Path, count: int) -> None:
    """``count`` payments for 2025-09 (a new month) written by PostgreSQL (COPY TO)."""
    with connection.cursor() as cursor, path.open("wb") as f:
        cursor.copy_expert(
            "COPY (SELECT 'R2509' || lpad((g / 10)::text, 8, '0') AS reference, p.iin, "
            "'2025-09' AS period, (1000 + g % 50000)::text || '.' || lpad((g % 100)::text, 2, '0') "
            "AS amount FROM generate_series(0, "
            f"{int(count)} - 1) AS g JOIN bench_persons AS p ON p.n = g % 2000000) "
            "TO STDOUT WITH (FORMAT csv, HEADER true)",
            f,
        )


def drop_new_payments(connection) -> None:
    """Back to the 20 months of existing payments (drops the month a run added)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS feedapp_payment_p202509")
        cursor.execute("DELETE FROM core_feedfile WHERE feed = %s", [PAYMENTS])


# Running and reporting -------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[200_000])
    parser.add_argument("--changed", type=float, default=0.1, help="share changed in delivery 2")
    parser.add_argument("--payments", type=int, default=0, help="rows of the partitioned feed")
    parser.add_argument("--payments-existing", type=int, default=20_000_000)
    parser.add_argument(
        "--bad",
        type=int,
        default=0,
        help="rows of an esbd_contracts file whose every row is rejected (beside a good one)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    url, name = bench_database(os.environ["DATABASE_URL"], "bench_feeds")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    results = []  # (label, size MB, copy s, load s, summary, steps, rss MB)
    with tempfile.TemporaryDirectory() as folder:
        if args.payments:
            ensure_persons(connection)
            built = ensure_existing_payments(connection, args.payments_existing)
            if built:
                print(f"built {args.payments_existing:,} existing payments in {built:.0f} s")
            drop_new_payments(connection)
            path = Path(folder) / f"{PAYMENTS}_20251010.csv"
            write_payments(connection, path, args.payments)
            label = f"{PAYMENTS} {args.payments:,} into {args.payments_existing:,}"
            summary = measure(args, connection, results, PAYMENTS, label, path, floor=True)
            assert summary["loaded"] == args.payments, summary
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM feedapp_payment")
                assert cursor.fetchone()[0] == args.payments_existing + args.payments
            drop_new_payments(connection)
        for count in args.rows:
            first = Path(folder) / f"{FEED}_20250601.csv"
            second = Path(folder) / f"{FEED}_20250602.csv"
            write_esbd(first, count)
            changed = write_esbd(second, count, args.changed)
            reset_esbd(connection)
            for label, path in (
                (f"esbd_contracts {count:,}: 1, all new", first),
                (f"esbd_contracts {count:,}: 2, {changed:,} changed", second),
            ):
                # The floor is that of the rows a file writes: all of a first delivery's.
                measure(args, connection, results, FEED, label, path, floor=path == first)
            assert results[-2][4]["loaded"] == count and results[-2][4]["rejected"] == 0
            assert results[-1][4]["loaded"] == changed
            first.unlink()
            second.unlink()
        if args.bad:
            measure_bad(args, connection, folder, results)


def measure(args, connection, results: list, feed: str, label: str, path: Path, *, floor: bool):
    """One load beside its baseline COPY (just before) and its floor (just after), kept in
    ``results`` and reported at once. Returns the load's summary."""
    copy = raw_copy(connection, path)
    process, seconds, summary, steps, rss = import_feed(feed, path)
    floor_seconds = floor_copy(connection, feed).total if floor and summary["loaded"] else None
    size = path.stat().st_size / 1e6
    results.append((label, size, copy, seconds, summary, steps, rss, process, floor_seconds))
    print(results[-1], flush=True)
    report(args, results)  # each figure kept as soon as it is measured
    return summary


def write_bad_esbd(path: Path, count: int) -> None:
    """``count`` rows that cannot be read: a wrong BIN check digit and an impossible date."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=feed_columns(), lineterminator="\r\n")
        writer.writeheader()
        for row in generate_rows(count, seed=3):
            row["policyholder_bin"] = row["policyholder_bin"][:11] + str(
                (int(row["policyholder_bin"][11]) + 1) % 10
            )
            row["starts_on"] = row["starts_on"][:5] + "13" + row["starts_on"][7:]
            writer.writerow(row)


def measure_bad(args, connection, folder: str, results: list) -> None:
    """A file whose every row is rejected, against a good file of the same size (FEEDS.md:
    a million rejections must not take longer than a million good rows)."""
    good = Path(folder) / f"{FEED}_20250701.csv"
    bad = Path(folder) / f"{FEED}_20250702.csv"
    write_esbd(good, args.bad)
    write_bad_esbd(bad, args.bad)
    for label, path in (
        (f"esbd_contracts {args.bad:,}: every row good", good),
        (f"esbd_contracts {args.bad:,}: every row rejected", bad),
    ):
        reset_esbd(connection)
        measure(args, connection, results, FEED, label, path, floor=path == good)
        path.unlink()
    assert results[-1][4]["rejected"] == args.bad and results[-1][4]["loaded"] == 0


def report(args, results: list) -> None:
    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    steps_seen = list(dict.fromkeys(step for r in results for step in r[5]))
    lines = [
        SECTION,
        "",
        f"Run {date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores, "
        f"shared with other work: load average {os.getloadavg()[0]:.1f} at the end), "
        f"PostgreSQL, database `<db>_bench_feeds`. Each load is one `manage.py import_feed` process; "
        "its baseline is a `COPY` of the same file into an unindexed table of text columns, "
        "measured just before it. Seconds; `load` runs from reading the file (checksum "
        "included) to the commit, `process` adds starting Python and Django; RSS is the "
        "loading process's peak. `floor`, measured just after the load: the rows the file "
        "wrote, already typed, copied into an empty table of the fact table's shape (its "
        "columns, generated columns and check constraints), then the fact table's indexes "
        "built on it: the least any load writing those rows must do, without reading or "
        "checking a cell.",
        "",
        "| load | file MB | baseline COPY | floor | load | ratio to COPY | floor to COPY "
        "| process | peak RSS MB | summary |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, size, copy, seconds, summary, _, rss, process, floor in results:
        floor_cells = (
            f"{floor:.2f} | {seconds:.2f} | {seconds / copy:.1f}× | {floor / copy:.1f}×"
            if floor
            else f"— | {seconds:.2f} | {seconds / copy:.1f}× | —"
        )
        lines.append(
            f"| {label} | {size:.0f} | {copy:.2f} | {floor_cells} | "
            f"{process:.2f} | {rss:.0f} | loaded {fmt(summary['loaded'])}, unchanged {fmt(summary['unchanged'])}, "
            f"flagged {fmt(summary['flagged'])}, rejected {fmt(summary['rejected'])} |"
        )
    lines += [
        "",
        "Where the time goes, seconds per step as the pipeline logs them (`other`: reading "
        "the file's bytes for the checksum, lock, records, commit):",
        "",
        "| step | " + " | ".join(r[0] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for step in steps_seen:
        lines.append(
            f"| {step} | " + " | ".join(f"{r[5].get(step, 0.0):.2f}" for r in results) + " |"
        )
    lines.append(
        "| other | " + " | ".join(f"{r[3] - sum(r[5].values()):.2f}" for r in results) + " |"
    )
    command = "DATABASE_URL=postgres://... .venv/bin/python bench/feeds.py"
    command += " --rows " + " ".join(str(n) for n in args.rows)
    if args.payments:
        command += f" --payments {args.payments} --payments-existing {args.payments_existing}"
    if args.bad:
        command += f" --bad {args.bad}"
    lines += ["", "Reproduce with:", "", f"    {command}", ""]
    text_report = "\n".join(lines)
    print(text_report)
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
        if SECTION in text:
            before, _, after = text.partition(SECTION)
            rest = after.split("\n## ", 1)
            tail = "\n## " + rest[1] if len(rest) > 1 else ""
            text = before + text_report + tail
        else:
            text = text.rstrip("\n") + "\n\n" + text_report
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
