"""The status look-up's lean path: token-authenticated POSTs answered without the
session, locale, CSRF, messages and history middleware, URL resolving or DRF.

Medical systems send many small look-ups; the middleware stack and DRF's request
handling cost several times the look-up itself. ``LookupFastPath`` (a middleware
placed right after the security headers' ones) answers a POST to the status API
that carries ``Authorization: Token ...`` and a plain JSON body, with the same
checks in the same order as ``apis.StatusApi``: the token (one prepared query:
token, user, role), the role, the user's rate (``apis.LookupRateThrottle``), then the body.
The audit row is written by the store's query (one round trip), and the answer
is the one ``selectors.status_answers`` gives the API view, rendered as DRF's
JSON renderer renders it.

Anything else goes down the ordinary stack unchanged, so every error answer
(401, 403, 400 with the field errors, 429) is the API view's own: a request is
taken here only when it will get a 200. A request the ordinary stack takes over
has had no side effect here, except a throttled one (counted here, and again
there, past its limit anyway).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.models import Role, UserProfile
from core.prepared import execute_prepared
from core.validators import is_valid_iin_bin

from . import selectors
from .apis import FULL_ANSWER_ROLES, MAX_IINS, LookupRateThrottle, StatusApi
from .store import today

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
JSON_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=utf-8",
)


def _holder_sql() -> str:
    user = settings.AUTH_USER_MODEL
    from django.apps import apps

    users = apps.get_model(user)._meta.db_table
    return (
        "SELECT u.id, u.is_active, u.is_superuser, p.role "
        f"FROM {Token._meta.db_table} AS t JOIN {users} AS u ON u.id = t.user_id "
        f"LEFT JOIN {UserProfile._meta.db_table} AS p ON p.user_id = u.id WHERE t.key = $1"
    )


class _User:
    """What the throttle reads of a user (its key is the user's id)."""

    is_authenticated = True

    def __init__(self, pk: int):
        self.pk = pk


class _Request:
    def __init__(self, user: _User, meta: dict):
        self.user = user
        self.META = meta


def _no_constant(value: str) -> Any:
    raise ValueError(f"{value} is not JSON")


def _day(data: dict, name: str, default: dt.date) -> dt.date | None:
    """The field as DRF's DateField reads ISO input; None: not one this path takes."""
    if name not in data:
        return default
    value = data[name]
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


class LookupFastPath:
    """Middleware: the lean path of the status look-up (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path: str | None = None
        self.sql: str | None = None
        self.roles = frozenset(str(r) for r in StatusApi.permission_classes[0].roles)
        self.full_roles = frozenset(str(r) for r in FULL_ANSWER_ROLES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.path is None:
            self.path, self.sql = reverse("api-mhi-status"), _holder_sql()
        if request.method == "POST" and request.path == self.path:
            response = self.answer(request)
            if response is not None:
                return response
        return self.get_response(request)

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        auth = meta.get("HTTP_AUTHORIZATION", "").split()
        if len(auth) != 2 or auth[0].lower() != "token":
            return None
        if meta.get("CONTENT_TYPE", "").lower() not in JSON_TYPES:
            return None
        with connection.cursor() as cursor:
            execute_prepared(cursor, "mhi_fastpath_holder", self.sql, ["text"], [auth[1]])
            holder = cursor.fetchone()
        if holder is None:
            return None
        user_id, active, superuser, role = holder
        role = Role.ADMIN if superuser else role
        if not active or role not in self.roles:
            return None
        try:
            data = json.loads(request.body, parse_constant=_no_constant)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        iins = data.get("iins")
        if not isinstance(iins, list) or not 0 < len(iins) <= MAX_IINS:
            return None
        # Malformed IINs: the ordinary stack words their item errors in the asker's language.
        if not all(is_valid_iin_bin(iin) for iin in iins):
            return None
        now = today()
        on, as_of = _day(data, "on", now), _day(data, "as_of", now)
        if on is None or as_of is None:
            return None
        throttle = LookupRateThrottle()
        if not throttle.allow_request(_Request(_User(user_id), meta), None):
            return None
        lookup = selectors.Lookup(on=on, as_of=as_of, full=role in self.full_roles)
        results = selectors.status_answers(
            iins, lookup=lookup, audit=selectors.Audit(user_id, "api"), checked=True
        )
        # As DRF's JSONRenderer writes it (compact, UTF-8, the two line separators escaped).
        body = json.dumps({"results": results}, ensure_ascii=False, separators=(",", ":"))
        body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        content = body.encode()
        response = HttpResponse(content, content_type="application/json")
        response["Content-Length"] = str(len(content))  # as CommonMiddleware sets it
        response["Allow"] = "POST, OPTIONS"
        response["Vary"] = "Accept"
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response
