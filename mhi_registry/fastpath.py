"""The status look-up's lean path: token-authenticated POSTs answered in front of
Django's handler, without its request and response objects, signals, middleware,
URL resolving or DRF.

Medical systems send many small look-ups; Django's handler and DRF cost several
times the look-up itself. ``LeanLookup`` wraps the WSGI application
(``config/wsgi.py``) and answers a POST to the status API that carries
``Authorization: Token ...`` and a plain JSON body, with the same checks in the
same order as ``apis.StatusApi``: the host against ``ALLOWED_HOSTS``, HTTPS where
``SECURE_SSL_REDIRECT`` asks for it, the token (one prepared query: token, user,
role), the role, the user's rate (``apis.LookupRateThrottle``), then the body.
The audit row is written by the store's query. For a token this process has
answered before, the token's holder is checked in that same query (still active,
in the same role: ``selectors.Guard``), so such a look-up is one round trip to
the database and a changed holder is refused at once. The answer
is the one ``selectors.status_answers`` gives the API view, rendered as DRF's
JSON renderer renders it, with the headers Django's security middlewares give
every answer (computed by those middlewares, once per process).

Anything else goes to Django unchanged, so every error answer (400 with the field
errors, 401, 403, 429, the redirect to HTTPS) is the API view's own: a request is
taken here only when it will get a 200. A request Django takes over has had no
side effect here, except a throttled one (counted here, and again there, past
its limit anyway) and one that failed here (logged, then answered by Django).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import DisallowedHost
from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from core.models import Role, UserProfile
from core.prepared import execute_prepared
from core.validators import is_valid_iin_bin

from . import selectors
from .apis import FULL_ANSWER_ROLES, MAX_IINS, LookupRateThrottle, StatusApi
from .store import today

logger = logging.getLogger(__name__)

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
JSON_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=utf-8",
)
# The middlewares whose headers every answer carries; the lean answer gets theirs.
HEADER_MIDDLEWARE = {
    "SecurityMiddleware",
    "ContentSecurityPolicyMiddleware",
    "XFrameOptionsMiddleware",
}
# Hosts found allowed, remembered up to this many (a host header is the client's to choose).
KNOWN_HOSTS = 64
# Tokens whose holder was found, remembered up to this many per process (then forgotten).
KNOWN_HOLDERS = 10_000


def _holder_sql(columns: str, where: str) -> str:
    return (
        f"SELECT {columns} FROM {Token._meta.db_table} AS t "
        f"JOIN {get_user_model()._meta.db_table} AS u ON u.id = t.user_id "
        f"LEFT JOIN {UserProfile._meta.db_table} AS p ON p.user_id = u.id WHERE {where}"
    )


# The token's holder: its user, active or not, and role.
HOLDER = ("u.id, u.is_active, u.is_superuser, p.role", "t.key = $1")
# The same holder, still active and in the same role ($9 the token, $10 the user, $11 the
# role, $12 the role of a superuser): the store's statement checks it (``selectors.Guard``).
SAME_HOLDER = (
    "1",
    "t.key = $9 AND u.id = $10 AND u.is_active "
    "AND (CASE WHEN u.is_superuser THEN $12 ELSE p.role END) = $11",
)
SAME_HOLDER_TYPES = ("text", "integer", "text", "text")


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


# One decoder for every body (``json.loads`` with an argument builds one per call).
DECODER = json.JSONDecoder(parse_constant=_no_constant)
_today: tuple[int, str, dt.date] = (0, "", dt.date.min)


def _local_today() -> dt.date:
    """``store.today()``, worked out at most once a second (the look-up's default day)."""
    global _today
    second, zone, day = _today
    now = int(time.time())
    if now != second or zone != settings.TIME_ZONE:
        day = today()
        _today = (now, settings.TIME_ZONE, day)
    return day


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


def _is_secure(environ: dict) -> bool:
    """``HttpRequest.is_secure`` read from the environ (the proxy's header first)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        given = environ.get(header)
        if given is not None:
            return given.split(",", 1)[0].strip() == secure
    return environ.get("wsgi.url_scheme") == "https"


def _request(environ: dict, secure: bool) -> HttpRequest:
    request = HttpRequest()
    request.META = environ
    request.is_secure = lambda: secure
    return request


def _body(environ: dict) -> bytes | None:
    """The request's body, left readable for Django; None: not one this path reads."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length <= 0 or (limit is not None and length > limit):
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body if len(body) == length else None


class LeanLookup:
    """WSGI: the lean path of the status look-up in front of ``application``."""

    def __init__(self, application):
        self.application = application
        self.path: str | None = None
        self.sql: str | None = None
        self.guard_sql: str | None = None
        # token -> (user id, role) of holders answered trimmed: the next look-up with the
        # token checks in the store's own statement that its holder is still the same.
        self.holders: dict[str, tuple[int, str]] = {}
        self.roles = frozenset(str(r) for r in StatusApi.permission_classes[0].roles)
        self.full_roles = frozenset(str(r) for r in FULL_ANSWER_ROLES)
        self.headers: dict[bool, list[tuple[str, str]]] = {}
        self.hosts: set[tuple] = set()

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            if self.path is None:
                self.path = reverse("api-mhi-status")
                self.sql, self.guard_sql = _holder_sql(*HOLDER), _holder_sql(*SAME_HOLDER)
            if environ.get("PATH_INFO") == self.path:
                answer = self.answered(environ)
                if answer is not None:
                    start_response("200 OK", answer[0])
                    return [answer[1]]
        return self.application(environ, start_response)

    def answered(self, environ: dict) -> tuple[list[tuple[str, str]], bytes] | None:
        auth = environ.get("HTTP_AUTHORIZATION", "").split()
        if len(auth) != 2 or auth[0].lower() != "token":
            return None
        if environ.get("CONTENT_TYPE", "").lower() not in JSON_TYPES:
            return None
        secure = _is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return None
        if not self.host_allowed(environ, secure):
            return None
        body = _body(environ)
        if body is None:
            return None
        # As Django's handler does for a request: no connection past its age or broken.
        close_old_connections()
        try:
            content = self.content(environ, body, auth[1])
        except Exception:
            logger.exception("status look-up: the lean path failed, the API view answers")
            return None
        if content is None:
            return None
        return [*self.fixed_headers(secure), ("Content-Length", str(len(content)))], content

    def host_allowed(self, environ: dict, secure: bool) -> bool:
        """``HttpRequest.get_host``'s check against ``ALLOWED_HOSTS``."""
        key = (
            environ.get("HTTP_X_FORWARDED_HOST"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            secure,
        )
        if key in self.hosts:
            return True
        try:
            _request(environ, secure).get_host()
        except DisallowedHost:
            return False
        if len(self.hosts) < KNOWN_HOSTS:
            self.hosts.add(key)
        return True

    def fixed_headers(self, secure: bool) -> list[tuple[str, str]]:
        """The answer's headers but its length: the API view's, then those the
        security middlewares of ``settings.MIDDLEWARE`` add (run once, over HTTP or HTTPS)."""
        headers = self.headers.get(secure)
        if headers is None:
            response = HttpResponse(content_type="application/json")
            response["Allow"] = "POST, OPTIONS"
            response["Vary"] = "Accept"
            handler = lambda request: response  # noqa: E731
            for path in reversed(settings.MIDDLEWARE):
                if path.rsplit(".", 1)[-1] in HEADER_MIDDLEWARE:
                    handler = import_string(path)(handler)
            handler(_request({"SERVER_NAME": "localhost", "SERVER_PORT": "80"}, secure))
            headers = self.headers[secure] = list(response.items())
        return headers

    def content(self, environ: dict, body: bytes, key: str) -> bytes | None:
        known = self.holders.get(key)
        if known is None:
            with connection.cursor() as cursor:
                execute_prepared(cursor, "mhi_fastpath_holder", self.sql, ["text"], [key])
                holder = cursor.fetchone()
            if holder is None:
                return None
            user_id, active, superuser, role = holder
            role = Role.ADMIN if superuser else role
            if not active or role not in self.roles:
                return None
        else:
            user_id, role = known
        try:
            data = DECODER.decode(body.decode())
        except ValueError:  # UnicodeDecodeError among them
            return None
        if not isinstance(data, dict):
            return None
        iins = data.get("iins")
        if not isinstance(iins, list) or not 0 < len(iins) <= MAX_IINS:
            return None
        # Malformed IINs: the API view words their item errors in the asker's language.
        if not all(is_valid_iin_bin(iin) for iin in iins):
            return None
        now = _local_today()
        on, as_of = _day(data, "on", now), _day(data, "as_of", now)
        if on is None or as_of is None:
            return None
        throttle = LookupRateThrottle()
        if not throttle.allow_request(_Request(_User(user_id), environ), None):
            return None
        full = role in self.full_roles
        guard = None
        if known is not None:
            params = (key, user_id, role, Role.ADMIN.value)
            guard = selectors.Guard("holder", self.guard_sql, SAME_HOLDER_TYPES, params)
        lookup = selectors.Lookup(on=on, as_of=as_of, full=full)
        audit = selectors.Audit(user_id, "api")
        results = selectors.status_answers(
            iins, lookup=lookup, audit=audit, checked=True, guard=guard
        )
        if results is None:  # the token's holder changed: the API view answers
            self.holders.pop(key, None)
            return None
        if known is None and not full:
            if len(self.holders) >= KNOWN_HOLDERS:
                self.holders.clear()
            self.holders[key] = (user_id, role)
        # As DRF's JSONRenderer writes it (compact, UTF-8, the two line separators escaped).
        text = json.dumps({"results": results}, ensure_ascii=False, separators=(",", ":"))
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()
