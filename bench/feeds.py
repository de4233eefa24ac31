"""Benchmark of the feed pipeline: ``import_feed`` against a raw COPY of the same file.

Runs on a database of its own (the name of DATABASE_URL's database plus
``_bench_feeds``; created and migrated when missing). Generates N rows of the
``esbd_contracts`` feed (valid BINs, distinct contracts) and times, in the
same run:

- the baseline: ``COPY`` of the file into a plain table of text columns;
- ``import_feed`` of the same file into an empty fact table (first delivery:
  every row validated, versioned, organisations registered);
- ``import_feed`` of a second delivery of the same contracts with a share of
  them changed (new versions against unchanged rows), and its raw COPY.

Each figure is the median of ``--repeat`` runs, every run from the same
starting state. Appends (or replaces) its section of bench/RESULTS.md.

    DATABASE_URL=postgres://... python bench/feeds.py [--rows 200000] [--changed 0.1]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _database import bench_database  # noqa: E402

SECTION = "## Feed import (bench/feeds.py)"
FEED = "esbd_contracts"


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


def generate_rows(count: int, seed: int = 1) -> list[dict[str, str]]:
    """``count`` valid, distinct contracts of 12 insurers and count/3 employers."""
    rng = random.Random(seed)
    insurers = [make_bin(rng, "0101") for _ in range(12)]
    employers = [make_bin(rng, "1004") for _ in range(max(1, count // 3))]
    regions = ["11", "15", "19", "35", "47", "55", "63", "71", "75", "79"]
    rows = []
    for i in range(count):
        start = date.fromordinal(date(2025, 1, 1).toordinal() + rng.randrange(365))
        end = date.fromordinal(start.toordinal() + 364)
        employer = i % len(employers)
        terminated = rng.random() < 0.05
        rows.append(
            {
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
                "termination_reason": "policyholder_request" if terminated else "",
                "terminated_on": date.fromordinal(start.toordinal() + 100).isoformat()
                if terminated
                else "",
                "annual_payroll_kzt": f"{rng.randrange(10_000_000, 5_000_000_000)}.00",
                "premium_kzt": f"{rng.randrange(50_000, 900_000)}.{rng.randrange(100):02d}",
                "workers_count": str(rng.randrange(1, 2000)),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=feed_columns(), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def reset(connection) -> None:
    """The same starting state for every run: no facts, files or registered organisations."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contracts_osnscontract, core_feedrejection, core_feedfile RESTART IDENTITY"
        )
        cursor.execute(
            "DELETE FROM core_organisation o WHERE NOT EXISTS "
            "(SELECT 1 FROM core_userprofile p WHERE p.organisation_id = o.id)"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE contracts_osnscontract")
        cursor.execute("VACUUM ANALYZE core_organisation")


def raw_copy(connection, path: Path) -> float:
    columns = ", ".join(f"{c} text" for c in feed_columns())
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_raw_copy ({columns})")
        cursor.execute("TRUNCATE bench_raw_copy")
    started = time.perf_counter()
    with connection.cursor() as cursor, path.open("rb") as f:
        cursor.copy_expert("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", f)
    return time.perf_counter() - started


class StepTimings(logging.Handler):
    """Collects the seconds per step that the pipeline logs at DEBUG level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if "seconds per step" in str(record.msg):
            self.last = dict(record.args[2])


STEPS = StepTimings()


def import_feed(path: Path) -> tuple[float, dict, dict[str, float]]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_feed", FEED, str(path), stdout=out)
    return time.perf_counter() - started, json.loads(out.getvalue()), STEPS.last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--changed", type=float, default=0.1, help="share changed in delivery 2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    url, name = bench_database(os.environ["DATABASE_URL"], "bench_feeds")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    pipeline_log = logging.getLogger("core.feeds.pipeline")
    pipeline_log.setLevel(logging.DEBUG)
    pipeline_log.propagate = False
    pipeline_log.addHandler(STEPS)

    rows = generate_rows(args.rows)
    rng = random.Random(2)
    second = [dict(r) for r in rows]
    changed = rng.sample(range(len(second)), int(len(second) * args.changed))
    for i in changed:
        second[i]["workers_count"] = str(int(second[i]["workers_count"]) + 1)

    with tempfile.TemporaryDirectory() as folder:
        first_path = Path(folder) / f"{FEED}_20250601.csv"
        second_path = Path(folder) / f"{FEED}_20250602.csv"
        write_csv(first_path, rows)
        write_csv(second_path, second)
        size_mb = first_path.stat().st_size / 1e6

        samples: dict[str, list[float]] = {k: [] for k in ("copy1", "load1", "copy2", "load2")}
        steps: dict[str, dict[str, list[float]]] = {"load1": {}, "load2": {}}
        summaries = {}
        for _ in range(args.repeat):
            reset(connection)
            samples["copy1"].append(raw_copy(connection, first_path))
            for key, path in (("load1", first_path), ("load2", second_path)):
                if key == "load2":
                    samples["copy2"].append(raw_copy(connection, second_path))
                seconds, summaries[key], timings = import_feed(path)
                samples[key].append(seconds)
                for step, value in timings.items():
                    steps[key].setdefault(step, []).append(value)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE is_current) FROM contracts_osnscontract"
            )
            facts, current = cursor.fetchone()
            cursor.execute("DROP TABLE bench_raw_copy")

    first, second_summary = summaries["load1"], summaries["load2"]
    assert first["loaded"] == args.rows and first["rejected"] == 0, first
    assert second_summary["loaded"] == len(changed), second_summary
    assert (facts, current) == (args.rows + len(changed), args.rows)
    median = {k: statistics.median(v) for k, v in samples.items()}

    def step_median(load: str, step: str) -> float:
        return statistics.median(steps[load].get(step, [0.0]))

    lines = [
        SECTION,
        "",
        f"Run {date.today().isoformat()} on {platform.machine()} ({os.cpu_count()} cores), "
        f"PostgreSQL, database `{name}`. File: {f'{args.rows:_}'.replace('_', ' ')} rows of "
        f"`{FEED}` ({size_mb:.1f} MB, 16 columns). Median of {args.repeat} runs, each from an empty "
        "fact table; seconds.",
        "",
        "| delivery | baseline: raw COPY into a plain table | import_feed | ratio | summary |",
        "|---|---:|---:|---:|---|",
        f"| 1: all new | {median['copy1']:.2f} | {median['load1']:.2f} | "
        f"{median['load1'] / median['copy1']:.0f}× | loaded {first['loaded']}, "
        f"rejected {first['rejected']} |",
        f"| 2: same contracts, {args.changed:.0%} changed | {median['copy2']:.2f} | "
        f"{median['load2']:.2f} | {median['load2'] / median['copy2']:.0f}× | "
        f"loaded {second_summary['loaded']}, unchanged {second_summary['unchanged']} |",
        "",
        "`import_feed` is the whole command in-process: reading and checksumming the file, "
        "COPY into a staging table, every type check and row rule in SQL, the last row per "
        "identity, comparison with the version in force, new versions, the organisations "
        "named by BIN, and the file record, in one transaction. The baseline only COPYs "
        "text. Where the time goes (median seconds per step, as the pipeline logs them):",
        "",
        "| step | delivery 1 | delivery 2 |",
        "|---|---:|---:|",
        *(
            f"| {step} | {step_median('load1', step):.2f} | {step_median('load2', step):.2f} |"
            for step in dict.fromkeys([*steps["load1"], *steps["load2"]])
        ),
        f"| other: reading the file in Python, lock, records, commit | "
        f"{median['load1'] - sum(step_median('load1', s) for s in steps['load1']):.2f} | "
        f"{median['load2'] - sum(step_median('load2', s) for s in steps['load2']):.2f} |",
        "",
        "Reproduce with `./scripts/bench.sh`, or:",
        "",
        f"    DATABASE_URL=postgres://... .venv/bin/python bench/feeds.py --rows {args.rows} "
        f"--repeat {args.repeat}",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
        if SECTION in text:
            before, _, after = text.partition(SECTION)
            rest = after.split("\n## ", 1)
            tail = "\n## " + rest[1] if len(rest) > 1 else ""
            text = before + report + tail
        else:
            text = text.rstrip("\n") + "\n\n" + report
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
