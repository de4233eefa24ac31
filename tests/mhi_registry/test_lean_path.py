"""The status look-up's lean path (``mhi_registry.fastpath``), called as gunicorn calls
the application: through the WSGI entry point, with an environ and a body."""

from __future__ import annotations

import json

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token

from mhi_registry import fastpath, selectors, store
from mhi_registry.models import StatusLookup

from .conftest import make_iin

pytestmark = pytest.mark.django_db
TODAY = store.today()
PATH = "/api/v1/mhi/status/"
# What the API view's answer carries and the lean one need not: the lean answer is in
# no language (Content-Language) and reads no cookie or language (Vary).
NOT_COMPARED = {"Vary", "Content-Language"}


class Served:
    """Requests to an application as gunicorn sends them; (status, headers, body)."""

    def __init__(self, app):
        self.app = app

    def post(self, body, *, token=None, content_type="application/json", **environ):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Token {token}"
        env = RequestFactory().generic("POST", PATH, data, content_type, **environ).environ
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = int(status.split()[0]), headers

        content = b"".join(self.app(env, start_response))
        return started["status"], dict(started["headers"]), content


@pytest.fixture
def serve(monkeypatch):
    """serve() -> (lean, django): the lean path in front of a Django handler made with
    the settings of the moment, and that handler alone.

    The database connection stays open between the test's requests, as Django's test
    client keeps it, so the test's transaction holds."""
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: None)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def made():
        django = WSGIHandler()
        return Served(fastpath.LeanLookup(django)), Served(django)

    try:
        yield made
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def token_of(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_the_served_application_is_the_lean_path_in_front_of_django():
    from config import wsgi

    assert isinstance(wsgi.application, fastpath.LeanLookup)
    assert wsgi.application.application is wsgi.django_application
    assert isinstance(wsgi.django_application, WSGIHandler)


@pytest.mark.parametrize("role", ["medical_system", "mhi_operator"])
def test_lean_answer_is_the_api_views_with_its_headers(role, make_user, serve, student):
    lean, django = serve()
    token = token_of(make_user(role))
    body = {"iins": [student, make_iin(9, "070707"), student], "on": TODAY.isoformat()}
    with CaptureQueriesContext(connection) as taken:
        status, headers, content = lean.post(body, token=token)
    # read before Django's handler runs: its request_started signal empties the log
    executed = [q["sql"] for q in taken.captured_queries if q["sql"].startswith("EXECUTE")]
    plain_status, plain_headers, plain_content = django.post(body, token=token)
    assert status == plain_status == 200
    assert content == plain_content
    assert json.loads(content)["results"][0]["insured"] is True
    # the lean path answered: one statement for the token, one for the audit and the store
    # (an operator's whole answers come from the engine: more there)
    assert executed[0].startswith("EXECUTE mhi_fastpath_holder")
    assert headers["Content-Length"] == str(len(content))
    assert {k: v for k, v in headers.items() if k not in NOT_COMPARED} == {
        k: v for k, v in plain_headers.items() if k not in NOT_COMPARED
    }
    assert headers["Vary"] == "Accept"
    audits = list(StatusLookup.objects.order_by("pk"))
    assert len(audits) == 2 and audits[0].iins == audits[1].iins == body["iins"]


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=3600,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_lean_path_over_https_only_when_redirected_there(make_user, serve, student):
    lean, django = serve()
    token = token_of(make_user("medical_system"))
    body = {"iins": [student]}
    status, headers, _ = lean.post(body, token=token)
    assert status == 301 and headers["Location"] == f"https://testserver{PATH}"
    assert not StatusLookup.objects.exists()
    secure = {"HTTP_X_FORWARDED_PROTO": "https"}
    status, headers, content = lean.post(body, token=token, **secure)
    plain_status, plain_headers, plain_content = django.post(body, token=token, **secure)
    assert status == plain_status == 200 and content == plain_content
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert {k: v for k, v in headers.items() if k not in NOT_COMPARED} == {
        k: v for k, v in plain_headers.items() if k not in NOT_COMPARED
    }


@override_settings(ALLOWED_HOSTS=["registry.example"])
def test_lean_path_checks_the_host_as_django_does(make_user, serve, student):
    lean, _ = serve()
    token = token_of(make_user("medical_system"))
    status, _, _ = lean.post({"iins": [student]}, token=token, HTTP_HOST="elsewhere.example")
    assert status == 400
    assert not StatusLookup.objects.exists()
    status, _, _ = lean.post({"iins": [student]}, token=token, HTTP_HOST="registry.example")
    assert status == 200 and StatusLookup.objects.count() == 1


def test_lean_path_leaves_every_error_to_the_api_view(make_user, serve, student):
    lean, django = serve()
    token = token_of(make_user("medical_system"))
    cases = [
        ({"iins": [student, "12"]}, {}),  # an item error: 200 with the error in words
        ({"iins": [student], "on": "1.12.2026"}, {}),
        ({"iins": [student], "as_of": None}, {}),
        ({"iins": []}, {}),
        ({"iins": [student] * 1001}, {}),
        (b'{"iins": [NaN]}', {}),
        (b"\xff\xfe", {}),
        ({"iins": [student]}, {"content_type": "application/x-www-form-urlencoded"}),
    ]
    for body, extra in cases:
        answers = [app.post(body, token=token, **extra) for app in (lean, django)]
        assert answers[0][0] == answers[1][0] and answers[0][2] == answers[1][2], body
        assert answers[0][0] in (200, 400, 415), body
    assert lean.post({"iins": [student]}, token="not-a-token")[0] == 401
    assert lean.post({"iins": [student]})[0] == 401


def test_known_token_is_checked_in_the_store_statement(make_user, serve, student):
    lean, _ = serve()
    user = make_user("medical_system")
    token = token_of(user)
    body = {"iins": [student]}
    assert lean.post(body, token=token)[0] == 200
    with CaptureQueriesContext(connection) as taken:
        status, _, content = lean.post(body, token=token)
    executed = [q["sql"] for q in taken.captured_queries if q["sql"].startswith("EXECUTE")]
    assert status == 200 and json.loads(content)["results"][0]["insured"] is True
    assert len(executed) == 1 and executed[0].startswith("EXECUTE mhi_store_rows_holder")
    assert StatusLookup.objects.filter(user=user).count() == 2


def test_a_holder_deactivated_or_moved_is_refused_at_once(make_user, serve, student):
    """The token's holder is checked on every look-up, also when this process knows it."""
    lean, _ = serve()
    body = {"iins": [student]}
    user = make_user("medical_system")
    token = token_of(user)
    assert lean.post(body, token=token)[0] == 200
    user.is_active = False
    user.save()
    assert lean.post(body, token=token)[0] == 401
    user.is_active = True
    user.save()
    assert lean.post(body, token=token)[0] == 200
    user.profile.role = "ops"
    user.profile.save()
    assert lean.post(body, token=token)[0] == 403
    user.profile.role = "mhi_operator"
    user.profile.save()
    status, _, content = lean.post(body, token=token)
    assert status == 200 and "explanation" in json.loads(content)["results"][0]
    moved = make_user("medical_system")
    other = token_of(moved)
    assert lean.post(body, token=other)[0] == 200
    Token.objects.filter(key=other).delete()
    assert lean.post(body, token=other)[0] == 401
    # a look-up refused is not recorded as one
    assert StatusLookup.objects.filter(user=user).count() == 3
    assert StatusLookup.objects.filter(user=moved).count() == 1


def test_guard_that_fails_writes_no_audit_and_reads_nothing(student, make_user):
    user = make_user("medical_system")
    lookup = selectors.Lookup(on=TODAY, as_of=TODAY, full=False)
    audit = selectors.Audit(user.pk, "api")
    passes = selectors.Guard("test_guard", "SELECT 1 WHERE $9 = 1", ("integer",), (1,))
    fails = selectors.Guard("test_guard", "SELECT 1 WHERE $9 = 1", ("integer",), (2,))
    answers = selectors.status_answers([student], lookup=lookup, audit=audit, guard=passes)
    assert answers[0]["insured"] is True and StatusLookup.objects.count() == 1
    unknown = make_iin(9, "070707")
    empty = selectors.status_answers([unknown], lookup=lookup, audit=audit, guard=passes)
    assert empty[0]["insured"] is False and StatusLookup.objects.count() == 2
    assert selectors.status_answers([student], lookup=lookup, audit=audit, guard=fails) is None
    assert StatusLookup.objects.count() == 2
    with pytest.raises(ValueError):
        selectors.status_answers([student], lookup=lookup, guard=passes)


def test_refresh_queue_is_vacuumed_soon_with_its_indexes():
    """Look-ups read the queue for each IIN: its dead index entries must not stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'mhi_registry_pendingrefresh'"
        )
        options = set(cursor.fetchone()[0])
    assert "vacuum_index_cleanup=on" in options
    assert "autovacuum_vacuum_scale_factor=0" in options
