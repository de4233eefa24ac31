"""Input that once reached a 500 gets a clear 4xx that names the rule, and a page in the
user's language (GUIDE: never a 500)."""

from __future__ import annotations

import pytest

from core.api.parsers import json_depth_exceeds
from inspection.models import Inspection
from tests.inspection.conftest import inspection_body

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_body_is_a_400_naming_the_depth_rule(make_user, api_client_for):
    client = api_client_for(make_user("inspector", region="75"))
    body = '{"violations": ' + "[" * 5000 + "]" * 5000 + "}"
    assert len(body) > 10_000

    response = client.post("/api/v1/inspections/", body, content_type="application/json")

    assert response.status_code == 400
    assert "32" in response.json()["detail"]
    assert Inspection.objects.count() == 0


def test_json_nested_within_the_limit_reaches_validation(make_user, api_client_for):
    client = api_client_for(make_user("inspector", region="75"))
    body = inspection_body(violations=[[[["x"]]]])

    response = client.post("/api/v1/inspections/", body, format="json")

    assert response.status_code == 400
    assert "violations" in response.json()["errors"]


def test_depth_counter_ignores_brackets_inside_strings():
    assert not json_depth_exceeds('{"a": "[[[[[[[[[[\\"[[[["}', 2)
    assert json_depth_exceeds('{"a": [[1]]}', 2)
    assert not json_depth_exceeds('{"a": [1]}', 2)


@pytest.mark.parametrize(
    "path",
    [
        "/reports/2-ozh/9999-12/",
        "/reports/2-ozh/9999-12/cells/total/2/",
        "/reports/1-meizhm/2100-01/",
        "/reports/dashboard/?until=9999-12",
    ],
)
def test_far_future_period_is_not_a_500(client, make_user, path):
    client.force_login(make_user("chief_inspector"))

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code in (400, 404)
    assert "2099-12" in response.content.decode()


def test_far_future_period_in_the_api_is_a_400(make_user, api_client_for):
    client = api_client_for(make_user("chief_inspector"))

    response = client.get("/api/v1/reports/2-ozh/9999-12/")

    assert response.status_code in (400, 404)
    assert "2099-12" in str(response.json())


def test_year_9999_date_in_an_inspection_is_a_field_error(make_user, api_client_for):
    client = api_client_for(make_user("inspector", region="75"))

    response = client.post(
        "/api/v1/inspections/",
        inspection_body(started_on="9999-01-01", completed_on=None, violations=[]),
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert "started_on" in response.json()["errors"]
    assert "1991" in str(response.json()["errors"]["started_on"])
    assert Inspection.objects.count() == 0


def test_year_one_date_in_a_child_row_is_a_field_error_by_path(make_user, api_client_for):
    client = api_client_for(make_user("inspector", region="75"))
    body = inspection_body()
    body["violations"][1]["eliminated_on"] = "0001-01-01"

    response = client.post("/api/v1/inspections/", body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "violations[1].eliminated_on" in str(errors) or "eliminated_on" in str(
        errors.get("violations")
    ), errors
    assert Inspection.objects.count() == 0
