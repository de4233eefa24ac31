"""Who is obliged and who is covered on a day, as set-based SQL (DOMAIN.md §1; seed 002).

Obliged on D: at least one employment contract in force now that is active on
D (``starts_on <= D``, ``D <= ends_on`` if any, not ``terminated_on <= D``);
employees are the distinct IINs of those contracts. Covered on D: a current
ОСНС contract of the employer's own BIN, or of its ``head_bin``, covers D
(``starts_on <= D <= ends_on`` and not ``terminated_on <= D``). Obliged and not
covered is a violator on D. Facts in force *now* (current versions) answer for
any D, past or future.

Every statement takes its date as the named parameter ``on``.
"""

from __future__ import annotations

from django.db import connection

from core.models import OkedCode, Organisation

from .models import EmploymentContract, OsnsContract


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


EMPLOYMENT = _t(EmploymentContract)
OSNS = _t(OsnsContract)
ORGANISATION = _t(Organisation)
OKED = _t(OkedCode)

# Employers with at least one active employment contract on %(on)s ({only}: an extra
# condition, e.g. some BINs only).
OBLIGED_TEMPLATE = f"""
SELECT e.employer_bin, max(e.head_bin) AS head_bin,
       count(DISTINCT e.employee_iin) AS employees, count(*) AS employment_contracts
FROM {EMPLOYMENT} AS e
WHERE e.is_current AND e.starts_on <= %(on)s
  AND (e.ends_on IS NULL OR e.ends_on >= %(on)s)
  AND (e.terminated_on IS NULL OR e.terminated_on > %(on)s) {{only}}
GROUP BY e.employer_bin
"""
OBLIGED = OBLIGED_TEMPLATE.format(only="")
ONLY_BINS = "AND e.employer_bin = ANY(%(bins)s)"

# BINs with an ОСНС contract covering %(on)s.
COVERED = f"""
SELECT DISTINCT c.policyholder_bin AS bin
FROM {OSNS} AS c
WHERE c.is_current AND c.starts_on <= %(on)s AND c.ends_on >= %(on)s
  AND (c.terminated_on IS NULL OR c.terminated_on > %(on)s)
"""

# Every obliged employer with whether it is covered ({{covered_only}}: for a few employers,
# only the contracts of their own or their heads' BINs are read, not every covering one).
OBLIGED_COVERED_TEMPLATE = f"""
WITH obliged AS ({OBLIGED_TEMPLATE}), covered AS ({COVERED} {{covered_only}})
SELECT o.*, (own.bin IS NOT NULL OR head.bin IS NOT NULL) AS covered
FROM obliged AS o
LEFT JOIN covered AS own ON own.bin = o.employer_bin
LEFT JOIN covered AS head ON head.bin = o.head_bin AND o.head_bin <> ''
"""
OBLIGED_COVERED = OBLIGED_COVERED_TEMPLATE.format(only="", covered_only="")
COVERED_ONLY_OBLIGED = "AND c.policyholder_bin IN (SELECT employer_bin FROM obliged UNION SELECT head_bin FROM obliged)"

# The last day an employer (or its head) was covered before %(on)s: contracts that
# began by then and covered at least one day. NULL if never covered.
LAST_COVER = f"""
SELECT max(LEAST(c.ends_on, c.terminated_on - 1)) AS last_cover_ends_on
FROM {OSNS} AS c
WHERE c.is_current AND c.policyholder_bin IN (v.employer_bin, NULLIF(v.head_bin, ''))
  AND c.starts_on <= %(on)s AND LEAST(c.ends_on, c.terminated_on - 1) >= c.starts_on
"""


def violators_sql(
    *,
    where: str = "",
    order: str = "employer_bin",
    limit: bool = False,
    only_bins: bool = False,
    bins_only: bool = False,
) -> str:
    """Obliged and not covered on %(on)s, with name, region, ОКЭД, risk class, last cover.

    ``where`` filters on the columns of ``VIOLATOR_COLUMNS`` (alias ``v``);
    ``order`` is an ORDER BY list over them; ``limit`` adds ``LIMIT %(limit)s
    OFFSET %(offset)s`` and a ``total`` column counting every row before the
    limit. The last cover is looked up only for the rows returned. ``only_bins``
    judges only the employers of the parameter ``bins``; ``bins_only`` returns
    just the ordered BINs (no last cover).
    """
    total = ", count(*) OVER () AS total" if limit else ""
    obliged_covered = OBLIGED_COVERED_TEMPLATE.format(
        only=ONLY_BINS if only_bins else "",
        covered_only=COVERED_ONLY_OBLIGED if only_bins else "",
    )
    outer = (
        "SELECT p.employer_bin FROM (" if bins_only else "SELECT p.*, lc.last_cover_ends_on FROM ("
    )
    lateral = "" if bins_only else f"CROSS JOIN LATERAL ({LAST_COVER.replace('v.', 'p.')}) AS lc"
    return f"""
{outer}
  SELECT v.*{total} FROM (
    SELECT oc.employer_bin, COALESCE(org.name, '') AS employer_name, oc.head_bin,
           org.region_id AS region, COALESCE(org.oked, '') AS oked,
           ok.section_id AS oked_section, ok.risk_class,
           oc.employees AS employees_on_date, oc.employment_contracts
    FROM ({obliged_covered}) AS oc
    LEFT JOIN {ORGANISATION} AS org ON org.bin = oc.employer_bin
    LEFT JOIN {OKED} AS ok ON ok.code = org.oked
    WHERE NOT oc.covered
  ) AS v
  {("WHERE " + where) if where else ""}
  ORDER BY {order}
  {"LIMIT %(limit)s OFFSET %(offset)s" if limit else ""}
) AS p
{lateral}
ORDER BY {order}
"""


COVERAGE_BY_REGION = f"""
SELECT org.region_id AS region, count(*) AS obliged, count(*) FILTER (WHERE oc.covered) AS covered
FROM ({OBLIGED_COVERED}) AS oc
LEFT JOIN {ORGANISATION} AS org ON org.bin = oc.employer_bin
GROUP BY org.region_id
"""


def facts_stamp(cursor) -> str:
    """Changes whenever a fact is written (every write inserts a version): the newest id and
    its load time in both fact tables."""
    parts = []
    for table in (EMPLOYMENT, OSNS):
        cursor.execute(
            f"SELECT id, loaded_at FROM {table} WHERE id = (SELECT max(id) FROM {table})"
        )
        row = cursor.fetchone()
        parts.append(f"{row[0]}@{row[1].timestamp()}" if row else "0")
    return "/".join(parts)
