"""Statements prepared once per database connection.

A statement run on every request of a hot path (the status look-up's token check and
store read) costs PostgreSQL more to parse and plan than to run. Prepared on the
connection the first time it runs there (``PREPARE``, which outlives a rolled-back
transaction), it is then only executed (``EXECUTE``), with the parameters psycopg2
quotes as for any statement. A new connection (after ``CONN_MAX_AGE``, or a worker's
new thread) prepares it again. The application connects to PostgreSQL directly
(docker-compose.yml); a pooler handing each transaction another server connection
(PgBouncer's transaction mode) would need its prepared-statement support enabled.

Each statement is planned once, for any parameters: the connection's
``plan_cache_mode`` is ``force_generic_plan``. The statements prepared here take keys
and short lists, whose best plan does not depend on the values, and left to choose,
PostgreSQL planned the status look-up's statement anew on every run (19 custom plans
in 19 runs; 0.48 ms a look-up, against 0.29 ms with its one generic plan). The
setting touches only prepared statements and PL/pgSQL's cached plans. ``SET`` is
undone with a rolled-back transaction, so inside one it is made again on each run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NAME = re.compile(r"[a-z_][a-z0-9_]*")


class _Prepared:
    """What one database connection has prepared, and whether its plan mode is set."""

    def __init__(self, raw):
        self.raw = raw
        self.names: set[str] = set()
        self.generic = False


def execute_prepared(cursor, name: str, sql: str, types: Sequence[str], params: Sequence) -> None:
    """Runs ``sql`` (parameters ``$1``, ``$2``, ... of the given SQL ``types``) on
    ``cursor`` (Django's) as the statement ``name`` of its connection, preparing it
    first if that connection has not. ``name`` and ``sql`` are the caller's constants, never
    input; one name always means one statement."""
    if not NAME.fullmatch(name):
        raise ValueError(f"not a statement name: {name!r}")
    wrapper = cursor.db  # the DatabaseWrapper (one per thread and alias)
    held = getattr(wrapper, "_prepared_statements", None)
    if held is None or held.raw is not wrapper.connection:
        held = wrapper._prepared_statements = _Prepared(wrapper.connection)
    if not held.generic:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        held.generic = not wrapper.in_atomic_block
    if name not in held.names:
        cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {sql}")
        held.names.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", list(params))
