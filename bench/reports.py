"""Benchmark of the monthly forms: generation against one hand-written SQL aggregate.

Runs on a database of its own (the name of DATABASE_URL's database plus
``_bench_reports``; created and migrated when missing), fills it with a year
of inspection and accident records for the 20 regions, then times, for one
reporting month:

- ``form_compute``: the figures of a form as the product computes them (one
  aggregate query per source table, plus the inputs fingerprint and the
  measures of the consistency checks);
- ``form_generate``: the same plus checks and storing a new version;
- the baseline: one hand-written SQL statement computing the same figures,
  which must agree with ``form_compute`` cell by cell.

Appends (or replaces) its section of bench/RESULTS.md.

    DATABASE_URL=postgres://... python bench/reports.py [--inspections 200000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _database import bench_database  # noqa: E402

SECTION = "## Monthly forms (bench/reports.py)"
YEAR = 2025
MONTH = date(YEAR, 10, 1)


GENERATE_SQL = """
SET session_replication_role = replica;  -- bulk load: history triggers off
TRUNCATE inspection_referral, inspection_criminalcase, inspection_violation,
    inspection_inspectionorder, inspection_fine, inspection_suspension, inspection_removal,
    inspection_investigation, inspection_victim, inspection_accident, inspection_inspection,
    reports_formversion RESTART IDENTITY CASCADE;

INSERT INTO inspection_inspection (created_at, updated_at, subject_bin, subject_iin,
    subject_name, kind, started_on, completed_on, region_id)
SELECT now(), now(), lpad((100000000000 + i)::text, 12, '0'), NULL, '',
       (ARRAY['preventive_control', 'unscheduled', 'special_order'])[1 + i %% 3],
       d, CASE WHEN i %% 10 = 0 THEN NULL ELSE d + (i %% 20)::int END,
       (SELECT array_agg(code ORDER BY kato) FROM core_region)[1 + (i * 7) %% 20]
FROM generate_series(1, %(inspections)s) AS i,
     LATERAL (SELECT make_date(%(year)s, 1, 1) + ((i * 7919) %% 365) AS d) AS x;

INSERT INTO inspection_violation (description, detected_on, eliminated_on, inspection_id)
SELECT 'v', s.started_on + k,
       CASE WHEN (s.id + k) %% 4 = 0 THEN NULL ELSE s.started_on + k + 5 + (s.id %% 25)::int END,
       s.id
FROM inspection_inspection s, generate_series(0, 1) AS k;

INSERT INTO inspection_inspectionorder (number, issued_on, due_on, inspection_id)
SELECT 'N-' || id, started_on + 3, started_on + 33, id FROM inspection_inspection WHERE id %% 2 = 0;

INSERT INTO inspection_fine (imposed_on, amount_kzt, inspection_id)
SELECT started_on + 4, 50000 + (id %% 37) * 1250.50, id FROM inspection_inspection WHERE id %% 3 = 0;

INSERT INTO inspection_suspension (kind, suspended_on, inspection_id)
SELECT (ARRAY['equipment', 'facility', 'organisation'])[1 + id %% 3], started_on + 2, id
FROM inspection_inspection WHERE id %% 11 = 0;

INSERT INTO inspection_removal (removed_on, workers, inspection_id)
SELECT started_on + 1, 1 + (id %% 7)::int, id FROM inspection_inspection WHERE id %% 13 = 0;

INSERT INTO inspection_referral (sent_on, inspection_id, investigation_id)
SELECT started_on + 10, id, NULL FROM inspection_inspection WHERE id %% 29 = 0;

INSERT INTO inspection_criminalcase (opened_on, persons_prosecuted, prosecuted_on,
    inspection_id, investigation_id)
SELECT started_on + 20, NULL, NULL, id, NULL FROM inspection_inspection WHERE id %% 97 = 0;

INSERT INTO inspection_accident (created_at, updated_at, kato, occurred_on, employer_bin,
    employer_name, description, region_id)
SELECT now(), now(), r || '0000000', make_date(%(year)s, 1, 1) + ((j * 104729) %% 365),
       lpad((200000000000 + j)::text, 12, '0'), '', 'a', r
FROM generate_series(1, %(accidents)s) AS j,
     LATERAL (SELECT (SELECT array_agg(code ORDER BY kato) FROM core_region)[1 + (j * 3) %% 20]
              AS r) AS x;

INSERT INTO inspection_victim (iin, full_name, outcome, accident_id)
SELECT NULL, 'x', (ARRAY['light', 'moderate', 'severe', 'fatal'])[1 + (a.id + k) %% 4], a.id
FROM inspection_accident a,
     generate_series(1, 1 + (a.id %% 3 = 0)::int + 2 * (a.id %% 17 = 0)::int) AS k;

INSERT INTO inspection_investigation (by_state_inspector, completed_on, accident_id, region_id)
SELECT id %% 7 <> 0, CASE WHEN id %% 6 = 0 THEN NULL ELSE occurred_on + 15 END, id, region_id
FROM inspection_accident WHERE id %% 5 <> 0;

INSERT INTO inspection_referral (sent_on, inspection_id, investigation_id)
SELECT completed_on + 2, NULL, id FROM inspection_investigation
WHERE id %% 4 = 0 AND completed_on IS NOT NULL;

INSERT INTO inspection_criminalcase (opened_on, persons_prosecuted, prosecuted_on,
    inspection_id, investigation_id)
SELECT completed_on + 5, 1 + (id %% 3)::int, completed_on + 35, NULL, id FROM inspection_investigation
WHERE id %% 6 = 0 AND completed_on IS NOT NULL;

SET session_replication_role = origin;
ANALYZE;
"""

# The same figures of 1-МЕИЖМ, written by hand as one statement.
BASELINE_MEIZHM = """
WITH
ins AS (
  SELECT region_id AS r, count(*) AS c2,
         count(*) FILTER (WHERE kind = 'preventive_control') AS c3,
         count(*) FILTER (WHERE kind = 'unscheduled') AS c4
  FROM inspection_inspection WHERE completed_on >= %(s)s AND completed_on < %(e)s GROUP BY 1),
vio AS (
  SELECT i.region_id AS r,
         count(*) FILTER (WHERE v.detected_on >= %(s)s AND v.detected_on < %(e)s) AS c5,
         count(*) FILTER (WHERE v.eliminated_on >= %(s)s AND v.eliminated_on < %(e)s) AS c6
  FROM inspection_violation v JOIN inspection_inspection i ON i.id = v.inspection_id
  WHERE (v.detected_on >= %(s)s AND v.detected_on < %(e)s)
     OR (v.eliminated_on >= %(s)s AND v.eliminated_on < %(e)s)
  GROUP BY 1),
ord AS (
  SELECT i.region_id AS r, count(*) AS c7
  FROM inspection_inspectionorder o JOIN inspection_inspection i ON i.id = o.inspection_id
  WHERE o.issued_on >= %(s)s AND o.issued_on < %(e)s GROUP BY 1),
fin AS (
  SELECT i.region_id AS r, count(*) AS c8, sum(f.amount_kzt) AS c9
  FROM inspection_fine f JOIN inspection_inspection i ON i.id = f.inspection_id
  WHERE f.imposed_on >= %(s)s AND f.imposed_on < %(e)s GROUP BY 1),
sus AS (
  SELECT i.region_id AS r,
         count(*) FILTER (WHERE s.kind = 'equipment') AS c10,
         count(*) FILTER (WHERE s.kind = 'facility') AS c11,
         count(*) FILTER (WHERE s.kind = 'organisation') AS c12
  FROM inspection_suspension s JOIN inspection_inspection i ON i.id = s.inspection_id
  WHERE s.suspended_on >= %(s)s AND s.suspended_on < %(e)s GROUP BY 1),
rem AS (
  SELECT i.region_id AS r, sum(m.workers) AS c13
  FROM inspection_removal m JOIN inspection_inspection i ON i.id = m.inspection_id
  WHERE m.removed_on >= %(s)s AND m.removed_on < %(e)s GROUP BY 1),
inv AS (
  SELECT region_id AS r, count(*) AS c14 FROM inspection_investigation
  WHERE by_state_inspector AND completed_on >= %(s)s AND completed_on < %(e)s GROUP BY 1),
ref AS (
  SELECT coalesce(i.region_id, n.region_id) AS r, count(*) AS c15
  FROM inspection_referral x
  LEFT JOIN inspection_inspection i ON i.id = x.inspection_id
  LEFT JOIN inspection_investigation n ON n.id = x.investigation_id
  WHERE x.sent_on >= %(s)s AND x.sent_on < %(e)s GROUP BY 1),
cc AS (
  SELECT coalesce(i.region_id, n.region_id) AS r,
         count(*) FILTER (WHERE x.opened_on >= %(s)s AND x.opened_on < %(e)s) AS c16,
         sum(x.persons_prosecuted) FILTER (WHERE x.investigation_id IS NOT NULL
             AND x.prosecuted_on >= %(s)s AND x.prosecuted_on < %(e)s) AS c17
  FROM inspection_criminalcase x
  LEFT JOIN inspection_inspection i ON i.id = x.inspection_id
  LEFT JOIN inspection_investigation n ON n.id = x.investigation_id
  WHERE (x.opened_on >= %(s)s AND x.opened_on < %(e)s)
     OR (x.prosecuted_on >= %(s)s AND x.prosecuted_on < %(e)s)
  GROUP BY 1)
SELECT g.kato,
  coalesce(c2, 0), coalesce(c3, 0), coalesce(c4, 0), coalesce(c5, 0), coalesce(c6, 0),
  coalesce(c7, 0), coalesce(c8, 0), coalesce(c9, 0), coalesce(c10, 0), coalesce(c11, 0),
  coalesce(c12, 0), coalesce(c13, 0), coalesce(c14, 0), coalesce(c15, 0), coalesce(c16, 0),
  coalesce(c17, 0)
FROM core_region g
LEFT JOIN ins ON ins.r = g.code LEFT JOIN vio ON vio.r = g.code LEFT JOIN ord ON ord.r = g.code
LEFT JOIN fin ON fin.r = g.code LEFT JOIN sus ON sus.r = g.code LEFT JOIN rem ON rem.r = g.code
LEFT JOIN inv ON inv.r = g.code LEFT JOIN ref ON ref.r = g.code LEFT JOIN cc ON cc.r = g.code
ORDER BY g.kato
"""

BASELINE_OZH = """
WITH
grp AS (SELECT accident_id FROM inspection_victim GROUP BY 1 HAVING count(*) >= 2),
acc AS (
  SELECT a.region_id AS r, count(*) AS c2,
         count(*) FILTER (WHERE a.id IN (SELECT accident_id FROM grp)) AS c3
  FROM inspection_accident a WHERE a.occurred_on >= %(s)s AND a.occurred_on < %(e)s GROUP BY 1),
vic AS (
  SELECT a.region_id AS r, count(*) AS c4,
         count(*) FILTER (WHERE v.accident_id IN (SELECT accident_id FROM grp)) AS c5,
         count(*) FILTER (WHERE v.outcome IN ('light', 'moderate')) AS c6,
         count(*) FILTER (WHERE v.outcome = 'severe') AS c7,
         count(*) FILTER (WHERE v.outcome = 'fatal') AS c8
  FROM inspection_victim v JOIN inspection_accident a ON a.id = v.accident_id
  WHERE a.occurred_on >= %(s)s AND a.occurred_on < %(e)s GROUP BY 1)
SELECT g.kato, coalesce(c2, 0), coalesce(c3, 0), coalesce(c4, 0), coalesce(c5, 0),
       coalesce(c6, 0), coalesce(c7, 0), coalesce(c8, 0)
FROM core_region g LEFT JOIN acc ON acc.r = g.code LEFT JOIN vic ON vic.r = g.code
ORDER BY g.kato
"""


def thousands(value) -> str:
    return str((Decimal(value) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def baseline(sql: str, columns: list[str], money_column: str | None) -> tuple[list, dict]:
    from django.db import connection

    from reports.periods import month_bounds

    start, end = month_bounds(MONTH)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"s": start, "e": end})
        result = cursor.fetchall()
    rows, totals = [], {c: 0 for c in columns}
    for kato, *figures in result:
        values = {}
        for column, value in zip(columns, figures, strict=True):
            totals[column] += value
            values[column] = thousands(value) if column == money_column else int(value)
        rows.append({"kato": kato, "values": values})
    total = {c: thousands(v) if c == money_column else int(v) for c, v in totals.items()}
    return rows, total


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs after one warm-up run."""
    samples, result = [], fn()
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=200_000)
    parser.add_argument("--accidents", type=int, default=None, help="default: inspections / 10")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args, _ = parser.parse_known_args()  # scripts/bench.sh passes its arguments to every bench
    accidents = args.accidents if args.accidents is not None else args.inspections // 10

    url, name = bench_database(os.environ["DATABASE_URL"], "bench_reports")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from reports.definitions import FORMS
    from reports.selectors import form_compute
    from reports.services import form_generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE_SQL, {"inspections": args.inspections, "accidents": accidents, "year": YEAR}
        )
    load_seconds = time.perf_counter() - started
    counts = {}
    with connection.cursor() as cursor:
        for table in (
            "inspection",
            "violation",
            "inspectionorder",
            "fine",
            "suspension",
            "removal",
            "accident",
            "victim",
            "investigation",
            "referral",
            "criminalcase",
        ):
            cursor.execute(f"SELECT count(*) FROM inspection_{table}")
            counts[table] = cursor.fetchone()[0]

    lines = []
    for form, sql, money in (
        ("1-meizhm", BASELINE_MEIZHM, "9"),
        ("2-ozh", BASELINE_OZH, None),
    ):
        columns = FORMS[form].column_numbers
        t_compute, computed = timed(lambda f=form: form_compute(form=f, period=MONTH), args.repeat)
        t_base, (base_rows, base_total) = timed(
            lambda s=sql, c=columns, m=money: baseline(s, c, m), args.repeat
        )
        t_generate, _ = timed(
            lambda f=form: form_generate(form=f, period=MONTH, source="command"), args.repeat
        )
        assert [{"kato": r["kato"], "values": r["values"]} for r in computed.rows] == base_rows, (
            f"{form}: rows differ from the baseline"
        )
        assert computed.total["values"] == base_total, f"{form}: total differs from the baseline"
        lines.append(
            f"| {FORMS[form].index} | {t_base * 1000:.0f} | {t_compute * 1000:.0f} "
            f"| {t_compute / t_base:.1f}× | {t_generate * 1000:.0f} |"
        )
        print(
            f"{form}: baseline {t_base * 1000:.0f} ms, form_compute {t_compute * 1000:.0f} ms, "
            f"form_generate {t_generate * 1000:.0f} ms (median of {args.repeat}); "
            "figures identical"
        )

    section = "\n".join(
        [
            SECTION,
            "",
            f"Run {date.today().isoformat()} on {platform.machine()} "
            f"({os.cpu_count()} cores), PostgreSQL, database `{name}`. Data: a year ({YEAR}) "
            "for the 20 regions, loaded in "
            f"{load_seconds:.0f} s: "
            + ", ".join(f"{n:,} {t}".replace(",", " ") for t, n in counts.items())
            + f". Reporting month {MONTH:%Y-%m}; median of {args.repeat} runs, milliseconds.",
            "",
            "| form | baseline: one hand-written SQL | form_compute | ratio "
            "| form_generate (stored version) |",
            "|---|---:|---:|---:|---:|",
            *lines,
            "",
            "`form_compute` runs one aggregate query per source table (10 for 1-МЕИЖМ, 2 "
            "for 2-ӨЖ) and, in the same pass, an MD5 over the records read (the inputs "
            "fingerprint) and the measures of the consistency checks (violations open at "
            "the month start, accidents since 1 January); the baseline computes the figures "
            "only. `form_generate` adds the checks, the header and storing the version under "
            "the per-month lock. Both agree with the baseline cell by cell (asserted).",
            "",
            "Reproduce with `./scripts/bench.sh`, or:",
            "",
            f"    DATABASE_URL=postgres://... .venv/bin/python bench/reports.py "
            f"--inspections {args.inspections} --repeat {args.repeat}",
            "",
        ]
    )
    print(section)
    if not args.no_write:
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
        if SECTION in text:
            before, _, after = text.partition(SECTION)
            rest = after.split("\n## ", 1)
            text = before + (("## " + rest[1]) if len(rest) > 1 else "")
        path.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")


if __name__ == "__main__":
    main()
