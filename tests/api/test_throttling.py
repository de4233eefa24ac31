"""API clients are throttled per user; the limit answers 429 with a detail."""

import pytest
from django.core.cache import cache
from rest_framework.throttling import UserRateThrottle


@pytest.mark.django_db
def test_api_client_over_its_rate_gets_429(make_user, api_client_for, monkeypatch):
    # The rate is configuration (API_THROTTLE_RATE); a low one makes the limit reachable.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    cache.clear()
    client = api_client_for(make_user("chief_inspector"))
    other = api_client_for(make_user("chief_inspector"))

    answers = [client.get("/api/v1/regions/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert "detail" in response.json() and response["Retry-After"]
    # Each client has its own budget.
    assert other.get("/api/v1/regions/").status_code == 200
