"""Benchmark of mandatory accident insurance at national size: the employment feed, the
violators of a day, the daily scan, and the violators API over HTTP.

Runs on a database of its own (DATABASE_URL's database plus ``_bench_osns``).
Generates with SQL (no Python loop per row): ``--employers`` employers (a
quarter of them with no employee left on the day, 5 % branches with a head
BIN), ``--employment`` employment contracts written to a CSV file in the
``esutd_contracts`` format, and ``--contracts`` ОСНС contracts, one per
covered employer, so that about a third of obliged employers are uninsured.
Then, each beside a baseline measured in the same run:

- the employment feed load (``import_feed_file``) against a plain COPY of the
  same file into a table of text columns; the daily scan that follows the
  load (opening every case) on its own line;
- the violators of one day (the product's one query, every row fetched)
  against one hand-written SQL query over the same tables (same answer
  asserted);
- the daily scan rerun on unchanged data: its time, and the rows it wrote;
- the violators API, a page of 50 rows, p95 latency over HTTP with gunicorn.

    DATABASE_URL=postgres://... python bench/osns.py [--employers 400000]
        [--employment 4300000] [--contracts 200000] [--requests 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _database import bench_database  # noqa: E402
from _floor import floor_copy  # noqa: E402

SECTION = "## Mandatory accident insurance (bench/osns.py)"
ON = dt.date(2026, 11, 1)

# A valid IIN/BIN from 11 digits (the standard check digit; NULL when none exists),
# the weighted sums written out (a subquery per digit made generation the slowest step).
COMPLETE_SQL = """
CREATE OR REPLACE FUNCTION bench_complete(b text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  d int[] := string_to_array(b, NULL)::int[];
  r int;
BEGIN
  r := (d[1] + 2 * d[2] + 3 * d[3] + 4 * d[4] + 5 * d[5] + 6 * d[6] + 7 * d[7] + 8 * d[8]
        + 9 * d[9] + 10 * d[10] + 11 * d[11]) % 11;
  IF r <> 10 THEN RETURN b || r; END IF;
  r := (3 * d[1] + 4 * d[2] + 5 * d[3] + 6 * d[4] + 7 * d[5] + 8 * d[6] + 9 * d[7] + 10 * d[8]
        + 11 * d[9] + d[10] + 2 * d[11]) % 11;
  IF r <> 10 THEN RETURN b || r; END IF;
  RETURN NULL;
END
$$
"""

EMPLOYERS_SQL = """
CREATE UNLOGGED TABLE bench_employer AS
SELECT n, bin, CASE WHEN n %% 20 = 0 AND n > 20 THEN head ELSE '' END AS head_bin,
       n %% 4 = 1 AS gone, region
FROM (
  SELECT n, bench_complete('1004' || lpad(n::text, 7, '0')) AS bin,
         bench_complete('1004' || lpad((n - 7)::text, 7, '0')) AS head,
         (ARRAY['11','15','19','23','27','31','35','39','43','47','51','55','59','61','62','63','71','75','79','10'])[1 + n %% 20] AS region
  FROM generate_series(1, %(employers)s) AS n
) AS s WHERE bin IS NOT NULL
"""

EMPLOYMENT_CSV_SQL = """
COPY (
  SELECT e.bin AS employer_bin, e.head_bin, 'ТОО «Предприятие ' || e.n || '»' AS employer_name,
         e.region || '1110000' AS employer_kato, '41201' AS employer_oked,
         p.iin AS employee_iin, 'ТД-' || c.n AS contract_number,
         (DATE '2021-01-01' + ((c.n * 7919) %% 2100)::int) AS starts_on,
         CASE WHEN c.n %% 10 = 0 THEN DATE '2021-01-01' + ((c.n * 7919) %% 2100)::int + 365 END AS ends_on,
         CASE WHEN e.gone THEN DATE '2021-01-01' + ((c.n * 7919) %% 2100)::int + 30
              WHEN c.n %% 7 = 0 THEN DATE '2021-01-01' + ((c.n * 7919) %% 2100)::int + 200 END AS terminated_on
  FROM generate_series(1, %(employment)s::bigint) AS c(n)
  JOIN bench_employer_ix AS e ON e.ix = c.n %% %(nemployers)s
  JOIN bench_person AS p ON p.ix = (c.n * 31) %% %(persons)s
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""

HAND_WRITTEN = """
SELECT e.employer_bin, count(DISTINCT e.employee_iin) AS employees
FROM contracts_employmentcontract AS e
WHERE e.is_current AND e.starts_on <= %(on)s AND (e.ends_on IS NULL OR e.ends_on >= %(on)s)
  AND (e.terminated_on IS NULL OR e.terminated_on > %(on)s)
GROUP BY e.employer_bin
HAVING NOT EXISTS (
  SELECT 1 FROM contracts_osnscontract AS c
  WHERE c.is_current AND c.starts_on <= %(on)s AND c.ends_on >= %(on)s
    AND (c.terminated_on IS NULL OR c.terminated_on > %(on)s)
    AND c.policyholder_bin IN (e.employer_bin, NULLIF(max(e.head_bin), '')))
"""


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def generate(cursor, args, folder: Path) -> Path:
    cursor.execute(COMPLETE_SQL)
    cursor.execute(
        "DROP TABLE IF EXISTS bench_employer, bench_employer_ix, bench_person, bench_csv"
    )
    cursor.execute(EMPLOYERS_SQL, {"employers": args.employers})
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_employer_ix AS "
        "SELECT (row_number() OVER (ORDER BY n)) - 1 AS ix, * FROM bench_employer"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_employer_ix (ix)")
    persons = int(args.employment * 0.95)
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_person AS SELECT (row_number() OVER ()) - 1 AS ix, iin FROM "
        "(SELECT bench_complete('8' || lpad(n::text, 10, '0')) AS iin "
        "FROM generate_series(1, %s) AS n) AS s WHERE iin IS NOT NULL",
        [int(persons * 1.12)],
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_person (ix)")
    cursor.execute("SELECT count(*) FROM bench_employer_ix")
    nemployers = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM bench_person")
    npersons = cursor.fetchone()[0]
    path = folder / f"esutd_contracts_{ON:%Y%m%d}.csv"
    with open(path, "w", encoding="utf-8") as f:
        cursor.copy_expert(
            cursor.mogrify(
                EMPLOYMENT_CSV_SQL,
                {"employment": args.employment, "nemployers": nemployers, "persons": npersons},
            ).decode(),
            f,
        )
    return path


def insert_contracts(cursor, count: int) -> None:
    """ОСНС contracts of ``count`` employers who still employ, one each, covering ON."""
    cursor.execute("DELETE FROM contracts_osnscontract")
    cursor.execute(
        """
        INSERT INTO contracts_osnscontract (insurer_bin, insurer_name, contract_series,
          contract_number, policyholder_bin, policyholder_name, policyholder_kato,
          policyholder_oked, concluded_on, starts_on, ends_on, termination_reason,
          termination_code, terminated_on, annual_payroll_kzt, premium_kzt, workers_count,
          version, is_current, delivered_on, loaded_at, flags)
        SELECT bench_complete('0101' || lpad((n %% 12)::text, 7, '0')), 'Insurer', 'ОС',
          'B-' || n, bin, 'Employer', '', '', DATE '2026-01-01' + (n %% 200),
          DATE '2026-01-01' + (n %% 200), DATE '2026-01-01' + (n %% 200) + 364, '', '', NULL,
          1000000, 90000, 10, 1, true, DATE '2026-10-01', now(), '{}'
        FROM (SELECT (row_number() OVER (ORDER BY n))::int AS n, bin
              FROM bench_employer WHERE NOT gone AND head_bin = '' LIMIT %(count)s) AS s
        """,
        {"count": count},
    )
    cursor.execute("ANALYZE contracts_osnscontract")


def http_p95(url: str, token: str, requests_: int, pages: int) -> tuple[float, float, list[float]]:
    import urllib.request

    times = []
    for i in range(requests_):
        page = 1 + (i * 37) % max(1, pages)
        request = urllib.request.Request(
            f"{url}/api/v1/osns/violators/?on={ON.isoformat()}&page_size=50&page={page}",
            headers={"Authorization": f"Token {token}"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            assert response.status == 200
            response.read()
        times.append(time.perf_counter() - started)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return p95, statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=400_000)
    parser.add_argument("--employment", type=int, default=4_300_000)
    parser.add_argument("--contracts", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8103")))
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    url, _ = bench_database(os.environ["DATABASE_URL"], "bench_osns")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import logging

    import django

    django.setup()
    # The pipeline's seconds per step (logged at DEBUG) go with the figures.
    steps: list[str] = []

    class StepSeconds(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "seconds per step" in str(record.msg):
                steps.append(str(record.args[-1]))

    pipeline_log = logging.getLogger("core.feeds.pipeline")
    pipeline_log.setLevel(logging.DEBUG)
    pipeline_log.addHandler(StepSeconds())
    load_before = os.getloadavg()
    from django.core.management import call_command
    from django.db import connection

    from contracts import coverage
    from contracts.models import CaseEvent, EmploymentContract, ViolatorCase
    from contracts.services.scan import scan_violators
    from core.feeds.pipeline import import_feed_file
    from core.models import Organisation

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        for model in (CaseEvent, ViolatorCase, EmploymentContract):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
        cursor.execute("DELETE FROM core_feedrejection")
        cursor.execute("DELETE FROM core_feedfile WHERE feed = 'esutd_contracts'")
        cursor.execute("DELETE FROM contracts_coveragesnapshot")
        cursor.execute(
            "DELETE FROM core_organisation o WHERE kind = 'employer' AND NOT EXISTS "
            "(SELECT 1 FROM core_userprofile p WHERE p.organisation_id = o.id)"
        )
    folder = Path(tempfile.mkdtemp(prefix="bench_osns_"))
    try:
        with connection.cursor() as cursor:
            gen_seconds, path = timed(generate, cursor, args, folder)
            insert_contracts(cursor, args.contracts)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {path.name}: {size_mb:.0f} MB in {gen_seconds:.1f} s", flush=True)

        # 1. COPY baseline of the same file, then the feed load.
        with connection.cursor() as cursor:
            columns = ", ".join(
                f'"{c}" text' for c in open(path, encoding="utf-8").readline().strip().split(",")
            )
            cursor.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({columns})")
            with open(path, encoding="utf-8") as f:
                copy_seconds, _ = timed(
                    cursor.copy_expert,
                    "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)",
                    f,
                )
            cursor.execute("SELECT count(*) FROM bench_copy")
            rows = cursor.fetchone()[0]
            cursor.execute("DROP TABLE bench_copy")
        print(f"COPY {rows} rows: {copy_seconds:.1f} s", flush=True)
        load_seconds, summary = timed(import_feed_file, feed="esutd_contracts", path=path)
        print(f"import_feed: {load_seconds:.1f} s {summary.as_dict()}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contracts_employmentcontract")
        # The least any load of these rows into the employment fact table must do.
        floor = floor_copy(connection, "esutd_contracts")
        print(f"floor: {floor.total:.1f} s (typed COPY {floor.copy:.1f} s)", flush=True)

        # 2. The recompute after the load: the daily scan opening every case.
        scan_seconds, scan = timed(scan_violators, on=ON)
        print(f"scan (first): {scan_seconds:.1f} s {scan.as_dict()}", flush=True)

        # 3. Violators of one day: the product's query against a hand-written one.
        def product():
            with connection.cursor() as cursor:
                cursor.execute(coverage.violators_sql(), {"on": ON})
                return {row[0]: row[7] for row in cursor.fetchall()}

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN, {"on": ON})
                return dict(cursor.fetchall())

        product_times, baseline_times = [], []
        for _ in range(3):
            seconds, base_rows = timed(baseline)
            baseline_times.append(seconds)
            seconds, product_rows = timed(product)
            product_times.append(seconds)
        assert product_rows == base_rows, "the product and the baseline disagree"
        base_s, prod_s = statistics.median(baseline_times), statistics.median(product_times)
        print(f"violators: baseline {base_s:.2f} s, product {prod_s:.2f} s, {len(base_rows)} rows")

        # 4. The scan rerun on unchanged data.
        def written() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
                    "WHERE relname IN ('contracts_violatorcase', 'contracts_caseevent', "
                    "'contracts_coveragesnapshot')"
                )
                return cursor.fetchone()[0]

        before = written()
        rerun_seconds, rerun = timed(scan_violators, on=ON)
        time.sleep(1)  # statistics reach pg_stat after the transaction
        rerun_written = rerun.opened + rerun.updated + rerun.resolved + rerun.coverage_rows_written
        print(f"scan rerun: {rerun_seconds:.1f} s {rerun.as_dict()}", flush=True)

        # 5. The API over HTTP with gunicorn.
        from core.services import token_get_or_create, user_create_or_update

        chief = user_create_or_update(username="bench.chief", role="chief_inspector").user
        token = token_get_or_create(user=chief).key
        connection.close()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{args.port}",
             "-w", "2", "--timeout", "600", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{args.port}"
            for _ in range(60):
                try:
                    import urllib.request

                    urllib.request.urlopen(base_url + "/healthz", timeout=2)
                    break
                except Exception:
                    time.sleep(1)
            pages = max(1, len(base_rows) // 50)
            p95, p50, times = http_p95(base_url, token, args.requests, pages)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        print(
            f"API page of 50: first {times[0]:.2f} s, p50 {p50:.2f} s, p95 {p95:.2f} s", flush=True
        )
        employers = Organisation.objects.filter(kind="employer").count()
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    lines = [
        SECTION,
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} ({os.cpu_count()} cores, shared), "
        f"PostgreSQL, database `<db>_bench_osns`. Data made with SQL in {gen_seconds:.0f} s: "
        f"{employers:,} employers, {rows:,} employment contracts ({size_mb:.0f} MB CSV), "
        f"{args.contracts:,} ОСНС contracts; day {ON}: {scan.obliged:,} obliged, "
        f"{scan.violators:,} violators ({100 * scan.violators / max(1, scan.obliged):.0f} %).",
        "",
        "| measure | baseline | product | ratio |",
        "|---|---:|---:|---:|",
        f"| employment feed load, rows/s | COPY {rows / copy_seconds:,.0f} ({copy_seconds:.1f} s) "
        f"| import_feed {rows / load_seconds:,.0f} ({load_seconds:.1f} s) "
        f"| {copy_seconds / load_seconds:.2f} of the COPY rate |",
        f"| floor of that load: the typed rows copied into an empty table of the fact "
        f"table's shape, then its indexes built | COPY {copy_seconds:.1f} s | {floor.total:.1f} s "
        f"(typed COPY {floor.copy:.1f} s, indexes {floor.indexes:.1f} s) "
        f"| {copy_seconds / floor.total:.2f} of the COPY rate |",
        f"| recompute after the load: daily scan opening {scan.opened:,} cases | — | "
        f"{scan_seconds:.1f} s | — |",
        f"| violators of one day, all {len(base_rows):,} rows (median of 3) | hand-written SQL "
        f"{base_s:.2f} s | {prod_s:.2f} s | {prod_s / base_s:.2f}× |",
        f"| daily scan rerun on unchanged data | — | {rerun_seconds:.1f} s, rows written: "
        f"{rerun_written} | — |",
        f"| violators API, page of 50, {args.requests} requests, gunicorn 2 workers | — | "
        f"p50 {p50:.2f} s, p95 {p95:.2f} s (the first request, which computes and caches "
        f"the day's list: {times[0]:.2f} s) | — |",
        "",
        f"Feed summary: `{summary.to_json()}`. Pages requested spread over the whole list.",
        "",
        f"Employment feed load, the pipeline's seconds per step: `{'; '.join(steps) or 'not logged'}`.",
        "",
        "Load average (1, 5, 15 min) of the shared machine: at the start "
        f"{' '.join(f'{x:.1f}' for x in load_before)}, at the end "
        f"{' '.join(f'{x:.1f}' for x in load_after)}.",
        "",
        "Reproduce with `./scripts/bench.sh`, or:",
        "",
        f"    DATABASE_URL=postgres://... .venv/bin/python bench/osns.py --employers {args.employers} "
        f"--employment {args.employment} --contracts {args.contracts} --requests {args.requests}",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        results = ROOT / "bench" / "RESULTS.md"
        text = (
            results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n\n"
        )
        if SECTION in text:
            before, _, after = text.partition(SECTION)
            rest = after.split("\n## ", 1)
            text = before + report + ("\n## " + rest[1] if len(rest) > 1 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + report
        results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
