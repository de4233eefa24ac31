"""Paths under /api/v1/ that name no endpoint answer in JSON, like the endpoints."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete", "options"])
def test_unknown_api_path_is_a_json_404_for_authenticated_callers(
    api_client_for, make_user, method
):
    client = api_client_for(make_user("ops"))

    response = getattr(client, method)("/api/v1/no-such-thing/42/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_unknown_api_path_asks_anonymous_callers_to_authenticate(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_catch_all_is_not_in_the_schema(api_client_for, make_user):
    client = api_client_for(make_user("ops"))

    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert all(p.startswith("/api/v1/") and p != "/api/v1/" for p in paths)
