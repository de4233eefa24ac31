"""Statements prepared once per database connection (core/prepared.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.prepared import execute_prepared


def double(n: int) -> int:
    with connection.cursor() as cursor:
        execute_prepared(cursor, "test_double", "SELECT $1 * 2", ["integer"], [n])
        return cursor.fetchone()[0]


def statements(captured) -> list[str]:
    return [q["sql"].split(" ", 1)[0] for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_once_per_connection_and_again_on_a_new_one():
    connection.close()  # start on a connection of this test's own
    with CaptureQueriesContext(connection) as first:
        assert [double(n) for n in (1, 2, 3)] == [2, 4, 6]
    assert statements(first) == ["SET", "PREPARE", "EXECUTE", "EXECUTE", "EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert [row[0] for row in cursor.fetchall()] == ["test_double"]
    connection.close()  # a new connection knows no prepared statement
    with CaptureQueriesContext(connection) as second:
        assert double(5) == 10
    assert statements(second) == ["SET", "PREPARE", "EXECUTE"]


@pytest.mark.django_db
def test_a_prepared_statement_outlives_a_rolled_back_transaction():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        assert double(1) == 2
        raise RuntimeError
    with CaptureQueriesContext(connection) as after:
        assert double(4) == 8
    # the plan mode is set again: the rollback undid it (the test runs in a transaction)
    assert statements(after) == ["SET", "EXECUTE"]


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_planned_once_for_any_parameters():
    """Left to choose, PostgreSQL may plan a prepared statement anew on every run."""
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE test_keys (k text PRIMARY KEY)")
        sql = (
            "SELECT count(*) FROM unnest(string_to_array($1, ',')) AS q(k) JOIN test_keys USING (k)"
        )
        for n in range(8):
            execute_prepared(cursor, "test_keys", sql, ["text"], [",".join(["a"] * (n + 1))])
            assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE name = 'test_keys'"
        )
        assert cursor.fetchone() == (8, 0)
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


@pytest.mark.parametrize("name", ["", "Bad", "x; DROP TABLE y", "1st"])
def test_a_statement_name_is_a_plain_lower_case_identifier(name):
    with pytest.raises(ValueError, match="not a statement name"):
        execute_prepared(None, name, "SELECT 1", [], [])
