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

# Valid IINs in SQL: YYMMDD (16 800 birth dates) and a 5-digit serial; the check digit
# (weights 1..11, then 3..11,1,2) is linear in the digits, so the weighted sums of the two
# parts are computed once per part and added per person (no per-row digit arithmetic).
# Numbers whose check fails twice are skipped.
DATES_SQL = """
CREATE UNLOGGED TABLE mhi_gen_dates AS
SELECT k, d, substr(d, 1, 1)::int * 1 + substr(d, 2, 1)::int * 2 + substr(d, 3, 1)::int * 3 + substr(d, 4, 1)::int * 4 + substr(d, 5, 1)::int * 5 + substr(d, 6, 1)::int * 6 AS a1, substr(d, 1, 1)::int * 3 + substr(d, 2, 1)::int * 4 + substr(d, 3, 1)::int * 5 + substr(d, 4, 1)::int * 6 + substr(d, 5, 1)::int * 7 + substr(d, 6, 1)::int * 8 AS a2
FROM (SELECT k, lpad((50 + k % 50)::text, 2, '0') || lpad((1 + (k / 50) % 12)::text, 2, '0')
      || lpad((1 + (k / 600) % 28)::text, 2, '0') AS d FROM generate_series(0, 16799) AS k) AS x
"""
SERIALS_SQL = """
CREATE UNLOGGED TABLE mhi_gen_serials AS
SELECT j, d, substr(d, 1, 1)::int * 7 + substr(d, 2, 1)::int * 8 + substr(d, 3, 1)::int * 9 + substr(d, 4, 1)::int * 10 + substr(d, 5, 1)::int * 11 AS b1, substr(d, 1, 1)::int * 9 + substr(d, 2, 1)::int * 10 + substr(d, 3, 1)::int * 11 + substr(d, 4, 1)::int * 1 + substr(d, 5, 1)::int * 2 AS b2
FROM (SELECT j, lpad(j::text, 5, '0') AS d FROM generate_series(0, %s) AS j) AS x
"""
COMMON = "version, is_current, loaded_at, flags"


def month_back(first: dt.date, k: int) -> dt.date:
    day = first
    for _ in range(k):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return day


def people(cur, count: int, *, table: str = "mhi_gen_people") -> None:
    """``table(n, iin)``: ``count`` people with valid, distinct IINs."""
    cur.execute("DROP TABLE IF EXISTS mhi_gen_dates, mhi_gen_serials")
    cur.execute(DATES_SQL)
    cur.execute(SERIALS_SQL, [count // 15000 + 1])
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(
        f"CREATE TABLE {table} AS SELECT row_number() OVER (ORDER BY j, k) AS n, "
        "dd.d || s.d || CASE WHEN mod(a1 + b1, 11) < 10 THEN mod(a1 + b1, 11) "
        "ELSE mod(a2 + b2, 11) END AS iin "
        "FROM mhi_gen_serials AS s CROSS JOIN mhi_gen_dates AS dd "
        "WHERE mod(a1 + b1, 11) < 10 OR mod(a2 + b2, 11) < 10 ORDER BY j, k LIMIT %s",
        [count],
    )
    cur.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (n)")
    cur.execute("DROP TABLE mhi_gen_dates, mhi_gen_serials")


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
