"""Authentication: login lockout (django-axes), login and logout, and that every
URL but the public few requires a login (COMMON security rule)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st

PASSWORD = "Str0ng-pass-phrase"
LOCKOUT_MESSAGE = "Too many failed login attempts"

# Reachable without a login, by design.
PUBLIC_URL_NAMES = {"healthz", "login", "logout", "set_language", "admin:login", "admin:logout"}
LOGIN_URL_NAMES = {"login", "admin:login"}


def login(client, username: str, password: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


# --- lockout -------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user("inspector", region="75", password=PASSWORD)

    for _attempt in range(4):
        response = login(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert "Wrong username or password" in response.content.decode()
    fifth = login(client, user.username, "wrong-password")
    with_right_password = login(client, user.username, PASSWORD)

    assert fifth.status_code == 429
    assert with_right_password.status_code == 429
    assert LOCKOUT_MESSAGE in with_right_password.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_resets_the_failure_count(client, make_user):
    user = make_user("inspector", region="75", password=PASSWORD)

    for _attempt in range(4):
        login(client, user.username, "wrong-password")
    success = login(client, user.username, PASSWORD)
    client.post(reverse("logout"))
    for _attempt in range(4):
        after_reset = login(client, user.username, "wrong-password")
    again = login(client, user.username, PASSWORD)

    assert success.status_code == 302
    assert after_reset.status_code == 200, "four failures after a reset do not lock"
    assert again.status_code == 302 and again.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_lockout_of_one_user_does_not_lock_another(client, make_user):
    locked = make_user("inspector", region="75", password=PASSWORD)
    other = make_user("inspector", region="75", password=PASSWORD)

    for _attempt in range(5):
        login(client, locked.username, "wrong-password")

    assert login(client, other.username, PASSWORD).status_code == 302


# --- login and logout -----------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_the_form(client):
    response = client.get(reverse("login"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in body and 'name="password"' in body
    assert 'name="csrfmiddlewaretoken"' in body


@pytest.mark.django_db
def test_login_redirects_to_next_and_logout_needs_post(client, make_user):
    user = make_user("chief_inspector", password=PASSWORD)

    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": "/reports/"}
    )
    assert response.status_code == 302 and response.url == "/reports/"
    assert client.get(reverse("logout")).status_code == 405
    assert int(client.session["_auth_user_id"]) == user.pk

    logout = client.post(reverse("logout"))

    assert logout.status_code == 302 and logout.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_login_page_sends_a_logged_in_user_home(client, make_user):
    client.force_login(make_user("ops"))

    response = client.get(reverse("login"))

    assert response.status_code == 302 and response.url == reverse("home")


# --- every URL requires authentication ------------------------------------------------


@functools.cache
def _sample(regex: str) -> str:
    """The simplest string that fully matches ``regex``."""
    return find(
        st.from_regex(regex, fullmatch=True),
        lambda s: True,
        settings=settings(database=None, suppress_health_check=list(HealthCheck)),
    )


def _fill(pattern) -> str:
    """A concrete path fragment matched by a URL pattern."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        for name, converter in pattern.converters.items():
            value = _sample(converter.regex)
            route = re.sub(
                rf"<(?:[^>:]+:)?{re.escape(name)}>", lambda _m, v=value: v, route, count=1
            )
        return route
    assert isinstance(pattern, RegexPattern)
    return _sample(pattern.regex.pattern.lstrip("^").removesuffix("$"))


def _walk(resolvers, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + _fill(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield "/" + prefix + _fill(entry.pattern), name


def all_urls() -> list[tuple[str, str]]:
    seen, urls = set(), []
    for path, name in _walk(get_resolver().url_patterns):
        if name in PUBLIC_URL_NAMES or path in seen:
            continue
        seen.add(path)
        urls.append((path, name))
    return urls


def _asks_for_login(response) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code == 302:
        return resolve(urlsplit(response.url).path).view_name in LOGIN_URL_NAMES
    return False


@pytest.mark.django_db
def test_every_url_except_the_public_ones_requires_authentication(client):
    urls = all_urls()
    assert len(urls) > 10, "the walk found the project's URLs"
    assert {"/", "/api/v1/regions/", "/api/schema/", "/api/docs/", "/admin/"} <= {
        p for p, _ in urls
    }

    open_urls = []
    for path, name in urls:
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path)
        if not _asks_for_login(response):
            open_urls.append((path, name, response.status_code))

    assert open_urls == []


@pytest.mark.django_db
def test_anonymous_api_calls_get_401_with_www_authenticate(client):
    # /api/docs/ is a page for people: it sends them to the login page instead.
    api_urls = [path for path, _ in all_urls() if path.startswith("/api/") and path != "/api/docs/"]
    assert "/api/v1/regions/" in api_urls

    for path in api_urls:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Token", path


@pytest.mark.django_db
def test_wrong_token_gets_401_with_a_detail(client):
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
