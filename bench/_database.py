"""A database of its own for each benchmark, next to the one DATABASE_URL names."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def bench_database(url: str, suffix: str) -> tuple[str, str]:
    """Creates ``<db>_<suffix>`` on the same server when missing; returns its URL and name."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_" + suffix
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            # As scripts/lib.sh makes the product's database: byte-order collation.
            cur.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
            )
    conn.close()
    return urlunsplit(parts._replace(path="/" + name)), name
