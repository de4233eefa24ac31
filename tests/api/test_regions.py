"""GET /api/v1/regions/: the reference list of regions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Region


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chief_inspector", "medical_system", "mhi_operator", "ops"])
def test_regions_are_listed_in_kato_order_with_names(api_client_for, make_user, role):
    client = api_client_for(make_user(role))

    response = client.get("/api/v1/regions/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Region.objects.count() == 20
    assert [r["kato"] for r in body["results"]] == sorted(r["kato"] for r in body["results"])
    astana = next(r for r in body["results"] if r["code"] == "71")
    region = Region.objects.get(code="71")
    assert astana == {
        "code": "71",
        "kato": region.kato,
        "name_kk": region.name_kk,
        "name_ru": region.name_ru,
        "name_en": region.name_en,
    }


@pytest.mark.django_db
def test_regions_are_paginated(api_client_for, make_user):
    client = api_client_for(make_user("ops"))

    first = client.get("/api/v1/regions/?page_size=5").json()
    last = client.get("/api/v1/regions/?page_size=5&page=4").json()

    assert len(first["results"]) == 5 and first["next"] and first["previous"] is None
    assert len(last["results"]) == 5 and last["next"] is None
    assert client.get("/api/v1/regions/?page=99").status_code == 404


@pytest.mark.django_db
def test_regions_list_takes_a_fixed_number_of_queries(api_client_for, make_user):
    client = api_client_for(make_user("ops"))
    client.get("/api/v1/regions/")

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/regions/")

    # token lookup, count, page
    assert len(queries) <= 3
