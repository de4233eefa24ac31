"""Set-based generation of MHI facts (demo data and the benchmark), in SQL, not Python loops.

People are numbered 1..N with valid IINs computed in SQL (``mhi_gen_people``);
payments, category periods and security-forces lists follow patterns by number:
continuous payers, gaps, refunds, 60+ months, arrears, payment-date КНП.
"""

from __future__ import annotations

import datetime as dt

from core.models import FeedFile, KnpCode

from .models import SecuritySnapshot
from .partitions import ensure_payment_partitions

AUTHORITIES = ["MOD", "MIA", "MOF", "NSC", "GPO", "SGS", "AFM", "ACA"]
CATEGORIES = [f"R{n:02d}" for n in range(1, 15)] + ["L01", "L02", "F01"]

# A valid IIN from a number: YYMMDD from n, a serial, the check digit (weights 1..11,
# then 3..11,1,2); numbers whose check fails twice are skipped.
SQL_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION mhi_gen_iin11(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lpad((50 + n % 50)::text, 2, '0') || lpad((1 + (n / 50) % 12)::text, 2, '0')
      || lpad((1 + (n / 600) % 28)::text, 2, '0') || lpad((n / 16800)::text, 5, '0')
$$;
CREATE OR REPLACE FUNCTION mhi_gen_check(s text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  WITH d AS (SELECT i, substr(s, i, 1)::int AS v FROM generate_series(1, 11) AS i),
  r AS (SELECT sum(v * i) % 11 AS r1, sum(v * ((i + 1) % 11 + 1)) % 11 AS r2 FROM d)
  SELECT CASE WHEN r1 < 10 THEN r1 WHEN r2 < 10 THEN r2 END FROM r
$$;
"""
COMMON = "version, is_current, loaded_at, flags"


def month_back(first: dt.date, k: int) -> dt.date:
    day = first
    for _ in range(k):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return day


def people(cur, count: int, *, table: str = "mhi_gen_people") -> None:
    """``table(n, iin)``: ``count`` people with valid, distinct IINs."""
    cur.execute(SQL_FUNCTIONS)
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(
        f"CREATE TABLE {table} AS SELECT row_number() OVER () AS n, iin FROM ("
        "SELECT b || mhi_gen_check(b) AS iin FROM (SELECT mhi_gen_iin11(g) AS b "
        "FROM generate_series(1, %s) AS g) AS x WHERE mhi_gen_check(b) IS NOT NULL LIMIT %s) AS y",
        [int(count * 1.1) + 10, count],
    )
    cur.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (n)")


def payments(
    cur, *, today: dt.date, months: int = 12, table: str = "mhi_gen_people", patterns: bool = False
) -> None:
    """``months`` months of payments before the current month for every person.

    With ``patterns``: n mod 10 = 1 has gaps, = 2 a refunded month, = 3 pays arrears late
    (some over twelve months late), = 4 pays under a payment-date КНП, = 5 pays nothing;
    others pay every month.
    """
    month_start = KnpCode.objects.filter(gives_cover=True, cover_start="month_start").first()
    payment_date = KnpCode.objects.filter(gives_cover=True, cover_start="payment_date").first()
    first = month_back(today.replace(day=1), 1)
    ensure_payment_partitions([month_back(first, k) for k in range(months)])
    if patterns:
        amount = (
            "CASE WHEN mod(p.n, 10) = 2 AND m.k = 2 THEN -4250 "
            "WHEN mod(p.n, 10) = 1 AND m.k IN (1, 2, 5, 6, 7) THEN 0 ELSE 4250 END"
        )
        received = (
            "CASE WHEN mod(p.n, 10) = 3 THEN (%(first)s::date + 9 - make_interval(months => "
            "CASE WHEN m.k > 14 THEN m.k - 14 ELSE 0 END))::date ELSE m.period + 9 END"
        )
        where = "WHERE mod(p.n, 10) <> 5"
    else:
        amount = "CASE WHEN m.k = 0 AND mod(p.n, 50) = 0 THEN -4250 ELSE 4250 END"
        received = "m.period + 9"
        where = ""
    sql = (
        f"INSERT INTO mhi_registry_payment (iin, last_name, first_name, middle_name, payer_bin, "
        f"payer_name, period, received_on, reference, amount_kzt, knp, delivered_on, {COMMON}) "
        f"SELECT p.iin, 'Демо', '', '', '', '', m.period, {received}, 'R' || m.k || '-' || p.n, "
        f"{amount}, CASE WHEN mod(p.n, 10) = 4 THEN %(pd)s ELSE %(ms)s END, "
        f"{received} + 1, 1, true, now(), '{{}}' "
        f"FROM {table} AS p CROSS JOIN (SELECT k, (%(first)s::date - make_interval(months => k))::date "
        f"AS period FROM generate_series(0, %(last)s) AS k) AS m {where}"
    )
    cur.execute(
        sql, {"first": first, "last": months - 1, "pd": payment_date.code, "ms": month_start.code}
    )


def categories(cur, *, today: dt.date, table: str = "mhi_gen_people", every: int = 2) -> None:
    """A category period for every ``every``-th person, all categories in turn; one in six
    removed (one in 36 by death), one in 97 withdrawn."""
    codes = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
    cur.execute(
        f"INSERT INTO mhi_registry_categoryperiod (iin, last_name, first_name, middle_name, "
        "category, assigned_on, assigned_source, removed_on, removed_source, removal_reason, "
        f"delivered_on, {COMMON}) "
        f"SELECT iin, 'Демо', '', '', ({codes})[1 + mod(n / {every}, {len(CATEGORIES)})], "
        "DATE '2015-01-01' + (mod(n, 3000))::int, 'GP', "
        "CASE WHEN mod(n, 97) = 0 THEN DATE '2015-01-01' + (mod(n, 3000))::int "
        "WHEN mod(n, 6) = 0 THEN %s::date - (mod(n, 200))::int END, '', "
        "CASE WHEN mod(n, 36) = 0 THEN 'death' ELSE '' END, DATE '2015-01-01' + (mod(n, 3000))::int, "
        f"1, true, now(), '{{}}' FROM {table} WHERE mod(n, {every}) = 0",
        [today],
    )


def security_lists(
    cur,
    *,
    today: dt.date,
    table: str = "mhi_gen_people",
    every: int = 10,
    stale_authority: str | None = None,
) -> None:
    """One list per authority of the people with n mod every = 3 (split among authorities)."""
    for k, authority in enumerate(AUTHORITIES):
        day = today - dt.timedelta(days=20 if authority == stale_authority else k)
        feed_file = FeedFile.objects.create(
            feed="mhi_security_forces",
            file_name=f"mhi_security_forces_{authority}_{day:%Y%m%d}.csv",
            sha256=f"generated-{authority}-{day:%Y%m%d}",
            delivered_on=day,
            status=FeedFile.Status.LOADED,
        )
        snap = SecuritySnapshot.objects.create(
            authority=authority, delivered_on=day, effective_on=day, feed_file=feed_file
        )
        cur.execute(
            "INSERT INTO mhi_registry_securitylisting (snapshot_id, iin) SELECT %s, iin "
            f"FROM {table} WHERE mod(n, {every}) = 3 AND mod(n / {every}, 8) = %s",
            [snap.pk, k],
        )
        SecuritySnapshot.objects.filter(pk=snap.pk).update(persons=cur.rowcount)
