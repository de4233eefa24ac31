"""Property-based tests of every operation in the live OpenAPI schema.

The schema is fetched from /api/schema/ through the WSGI application, so
endpoints added later are tested without touching this file. Each operation
is called as an admin and as a chief inspector, with data that fits the
schema and with data that does not; no answer may be a server error, and
every documented answer must match its schema and media type.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection open.

    Like Django's test client, requests must not close the connection at their
    end: the test runs inside one transaction that is rolled back afterwards.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run_operation(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "chief_inspector"])
def test_every_api_operation_conforms_to_the_schema(wsgi_app, make_user, role):
    token = Token.objects.create(user=make_user(role)).key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(op.path == "/api/v1/regions/" for op in operations), "the live schema is used"

    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, headers)
            except Exception as exc:  # noqa: BLE001 - report every operation, then fail
                failures.append(f"{operation.label} ({mode.value}, {role}):\n{exc}")

    assert not failures, "\n\n".join(failures)
