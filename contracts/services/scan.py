"""The daily scan: tracked cases of employers obliged and not covered (seed 002; DOMAIN.md §1).

Set-based, in one transaction under an advisory lock (one scan at a time):

1. obliged employers on the day with whether they are covered
   (``contracts.coverage``), and the violators among them with their evidence
   (employees on the day, active employment contracts, head BIN, the current
   ОСНС contract versions of the employer and its head, the last day covered);
2. a case is opened for a violator without a case in progress;
3. a case in progress whose evidence or registry data changed is updated;
4. a case in progress whose employer is no longer a violator is resolved:
   ``covered`` when it is still obliged, else ``no_employees``;
5. coverage by region on the day is kept for the coverage page.

Each statement writes only rows that change, so a rerun on unchanged data
writes nothing. Every change is recorded as a ``CaseEvent`` by the scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import connection, transaction

from contracts import coverage
from contracts.models import CaseEvent, CoverageSnapshot, ViolatorCase

SCAN_LOCK = 0x4F534E53  # "OSNS"

CASE = coverage._t(ViolatorCase)
EVENT = coverage._t(CaseEvent)
SNAPSHOT = coverage._t(CoverageSnapshot)

VIOLATORS_WITH_EVIDENCE = f"""
CREATE TEMP TABLE scan_violators ON COMMIT DROP AS
SELECT oc.employer_bin, left(COALESCE(org.name, oc.employer_bin), 500) AS employer_name,
       oc.head_bin, org.region_id, COALESCE(org.oked, '') AS oked,
       COALESCE(ok.section_id, '') AS oked_section, ok.risk_class,
       oc.employees, oc.employment_contracts, lc.last_cover_ends_on,
       jsonb_build_object(
         'employees', oc.employees, 'employment_contracts', oc.employment_contracts,
         'head_bin', oc.head_bin, 'osns_contracts', COALESCE(lc.ids, '[]'::jsonb),
         'last_cover_ends_on', lc.last_cover_ends_on) AS evidence
FROM scan_obliged AS oc
LEFT JOIN {coverage.ORGANISATION} AS org ON org.bin = oc.employer_bin
LEFT JOIN {coverage.OKED} AS ok ON ok.code = org.oked
CROSS JOIN LATERAL (
  SELECT max(LEAST(c.ends_on, c.terminated_on - 1)) FILTER (
           WHERE c.starts_on <= %(on)s AND LEAST(c.ends_on, c.terminated_on - 1) >= c.starts_on
         ) AS last_cover_ends_on,
         jsonb_agg(c.id ORDER BY c.id) AS ids
  FROM {coverage.OSNS} AS c
  WHERE c.is_current AND c.policyholder_bin IN (oc.employer_bin, NULLIF(oc.head_bin, ''))
) AS lc
WHERE NOT oc.covered
"""

OPEN_CASES = f"""
WITH opened AS (
  INSERT INTO {CASE} (employer_bin, employer_name, head_bin, region_id, oked, oked_section,
    risk_class, state, opened_on, judged_on, employees_on_date, employment_contracts,
    last_cover_ends_on, evidence, resolution, updated_at)
  SELECT v.employer_bin, v.employer_name, v.head_bin, v.region_id, v.oked, v.oked_section,
    v.risk_class, 'open', %(on)s, %(on)s, v.employees, v.employment_contracts,
    v.last_cover_ends_on, v.evidence, '', now()
  FROM scan_violators AS v
  WHERE NOT EXISTS (SELECT 1 FROM {CASE} AS c
                    WHERE c.employer_bin = v.employer_bin AND c.state <> 'resolved')
  ORDER BY v.employer_bin
  RETURNING id, evidence
)
INSERT INTO {EVENT} (case_id, at, kind, from_state, to_state, details)
SELECT id, now(), 'opened', '', 'open', jsonb_build_object('on', %(on)s::text, 'evidence', evidence)
FROM opened
"""

UPDATE_EVIDENCE = f"""
WITH changed AS (
  SELECT c.id, c.evidence AS old_evidence, v.*
  FROM {CASE} AS c JOIN scan_violators AS v ON v.employer_bin = c.employer_bin
  WHERE c.state <> 'resolved' AND (
    c.evidence IS DISTINCT FROM v.evidence OR c.employer_name IS DISTINCT FROM v.employer_name
    OR c.region_id IS DISTINCT FROM v.region_id OR c.oked IS DISTINCT FROM v.oked
    OR c.oked_section IS DISTINCT FROM v.oked_section OR c.risk_class IS DISTINCT FROM v.risk_class)
), updated AS (
  UPDATE {CASE} AS c SET employer_name = ch.employer_name, head_bin = ch.head_bin,
    region_id = ch.region_id, oked = ch.oked, oked_section = ch.oked_section,
    risk_class = ch.risk_class, judged_on = %(on)s, employees_on_date = ch.employees,
    employment_contracts = ch.employment_contracts, last_cover_ends_on = ch.last_cover_ends_on,
    evidence = ch.evidence, updated_at = now()
  FROM changed AS ch WHERE c.id = ch.id
  RETURNING c.id, c.state, ch.old_evidence, c.evidence
)
INSERT INTO {EVENT} (case_id, at, kind, from_state, to_state, details)
SELECT id, now(), 'evidence', state, state,
       jsonb_build_object('on', %(on)s::text, 'before', old_evidence, 'after', evidence)
FROM updated
"""

RESOLVE = f"""
WITH gone AS (
  SELECT c.id, c.state AS old_state,
         CASE WHEN o.employer_bin IS NULL THEN 'no_employees' ELSE 'covered' END AS resolution
  FROM {CASE} AS c LEFT JOIN scan_obliged AS o ON o.employer_bin = c.employer_bin
  WHERE c.state <> 'resolved'
    AND NOT EXISTS (SELECT 1 FROM scan_violators AS v WHERE v.employer_bin = c.employer_bin)
), resolved AS (
  UPDATE {CASE} AS c SET state = 'resolved', resolved_on = %(on)s, resolution = g.resolution,
    updated_at = now()
  FROM gone AS g WHERE c.id = g.id
  RETURNING c.id, g.old_state, g.resolution
)
INSERT INTO {EVENT} (case_id, at, kind, from_state, to_state, details)
SELECT id, now(), 'resolved', old_state, 'resolved',
       jsonb_build_object('on', %(on)s::text, 'resolution', resolution)
FROM resolved
"""

SNAPSHOT_UPSERT = f"""
INSERT INTO {SNAPSHOT} ("on", region_id, obliged, covered)
SELECT %(on)s, org.region_id, count(*), count(*) FILTER (WHERE oc.covered)
FROM scan_obliged AS oc LEFT JOIN {coverage.ORGANISATION} AS org ON org.bin = oc.employer_bin
GROUP BY org.region_id
ON CONFLICT ("on", region_id) DO UPDATE SET obliged = EXCLUDED.obliged, covered = EXCLUDED.covered
WHERE ({SNAPSHOT}.obliged, {SNAPSHOT}.covered) IS DISTINCT FROM (EXCLUDED.obliged, EXCLUDED.covered)
"""

SNAPSHOT_STALE = f"""
DELETE FROM {SNAPSHOT} AS s WHERE s."on" = %(on)s AND NOT EXISTS (
  SELECT 1 FROM scan_obliged AS oc LEFT JOIN {coverage.ORGANISATION} AS org
    ON org.bin = oc.employer_bin
  WHERE org.region_id IS NOT DISTINCT FROM s.region_id)
"""


@dataclass(frozen=True)
class ScanSummary:
    on: str
    obliged: int
    violators: int
    opened: int
    updated: int
    resolved: int
    coverage_rows_written: int

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def scan_violators(*, on: dt.date) -> ScanSummary:
    """Bring the tracked cases in line with the violators on ``on`` (seed 002: the list of
    violators is formed automatically; DOMAIN.md §1: obliged and not covered).

    Idempotent: a rerun on unchanged data opens, updates and resolves nothing.
    """
    params = {"on": on}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
        cursor.execute("DROP TABLE IF EXISTS pg_temp.scan_obliged, pg_temp.scan_violators")
        cursor.execute(
            f"CREATE TEMP TABLE scan_obliged ON COMMIT DROP AS {coverage.OBLIGED_COVERED}", params
        )
        cursor.execute("CREATE UNIQUE INDEX ON scan_obliged (employer_bin)")
        cursor.execute("ANALYZE scan_obliged")
        cursor.execute(VIOLATORS_WITH_EVIDENCE, params)
        cursor.execute("CREATE UNIQUE INDEX ON scan_violators (employer_bin)")
        cursor.execute("ANALYZE scan_violators")
        cursor.execute(
            "SELECT (SELECT count(*) FROM scan_obliged), (SELECT count(*) FROM scan_violators)"
        )
        obliged, violators = cursor.fetchone()
        cursor.execute(OPEN_CASES, params)
        opened = cursor.rowcount
        cursor.execute(UPDATE_EVIDENCE, params)
        updated = cursor.rowcount
        cursor.execute(RESOLVE, params)
        resolved = cursor.rowcount
        cursor.execute(SNAPSHOT_UPSERT, params)
        snapshots = cursor.rowcount
        cursor.execute(SNAPSHOT_STALE, params)
        snapshots += cursor.rowcount
        cursor.execute("DROP TABLE pg_temp.scan_obliged, pg_temp.scan_violators")
    return ScanSummary(
        on=on.isoformat(),
        obliged=obliged,
        violators=violators,
        opened=opened,
        updated=updated,
        resolved=resolved,
        coverage_rows_written=snapshots,
    )
