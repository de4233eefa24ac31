"""INTERFACES.md § MHI: status look-ups, manual inclusions, FHIR eligibility, mhi_status."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhi_registry import store
from mhi_registry.models import CategoryPeriod, ManualInclusion, StatusLookup

from .conftest import make_iin

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = store.today()


@pytest.fixture
def medical(make_user, api_client_for):
    return api_client_for(make_user("medical_system"))


@pytest.fixture
def operator_user(make_user):
    return make_user("mhi_operator")


@pytest.fixture
def operator(operator_user, api_client_for):
    return api_client_for(operator_user)


def test_status_trimmed_for_medical_systems_with_item_errors_in_order(medical, student, caplog):
    unknown = make_iin(8, "060606")
    caplog.set_level(logging.DEBUG)
    response = medical.post(
        "/api/v1/mhi/status/", {"iins": [student, "123", unknown]}, format="json"
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["iin"] for r in results] == [student, "123", unknown]
    first = results[0]
    assert first == {
        "iin": student,
        "on": TODAY.isoformat(),
        "as_of": TODAY.isoformat(),
        "insured": True,
        "funding_source": "mhi",
        # removed in 30 days, then three months of retention (cl. 9).
        "covered_until": (
            store.engine.add_months(TODAY + dt.timedelta(days=30), 3) - dt.timedelta(days=1)
        ).isoformat(),
    }
    assert "error" in results[1] and "12 digits" in results[1]["error"]
    assert results[2]["insured"] is False and results[2]["funding_source"] == "gobmp"
    audit = StatusLookup.objects.get()
    assert audit.iins == [student, "123", unknown] and audit.channel == "api"
    assert student not in caplog.text


def test_status_whole_answer_for_operators(operator, student):
    response = operator.post(
        "/api/v1/mhi/status/",
        {"iins": [student], "on": TODAY.isoformat(), "as_of": TODAY.isoformat()},
        format="json",
    )
    result = response.json()["results"][0]
    assert (result["basis"], result["category"]) == ("CATEGORY", "R13")
    assert result["explanation"][0]["rule"] == "M1"
    assert result["explanation"][0]["facts"][0]["kind"] == "category_period"


def test_status_single_malformed_iin_is_400_and_limits_are_checked(medical):
    response = medical.post("/api/v1/mhi/status/", {"iins": ["900101300016"]}, format="json")
    assert response.status_code == 400
    assert "check digit" in json.dumps(response.json()["errors"]["iins"])
    too_many = medical.post("/api/v1/mhi/status/", {"iins": ["1"] * 1001}, format="json")
    assert too_many.status_code == 400 and "iins" in too_many.json()["errors"]
    empty = medical.post("/api/v1/mhi/status/", {"iins": []}, format="json")
    assert empty.status_code == 400


def test_status_token_checked_in_one_query_with_the_role(make_user, api_client_for, student):
    user = make_user("medical_system")
    medical = api_client_for(user)
    body = {"iins": [student]}
    assert medical.post("/api/v1/mhi/status/", body, format="json").status_code == 200
    # token + user + profile, then the audit row and the store rows in one statement
    # (its statement prepared by the first look-up on this connection; the plan mode set
    # again inside the test's transaction: core/prepared.py)
    with CaptureQueriesContext(connection) as taken:
        assert medical.post("/api/v1/mhi/status/", body, format="json").status_code == 200
    queries = [q["sql"] for q in taken.captured_queries if "SET plan_cache_mode" not in q["sql"]]
    assert len(queries) == 2, [q[:50] for q in queries]
    user.is_active = False
    user.save()
    assert medical.post("/api/v1/mhi/status/", body, format="json").status_code == 401
    medical.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert medical.post("/api/v1/mhi/status/", body, format="json").status_code == 401


def test_status_item_errors_bad_fields_and_other_content_types(medical, student):
    """Item errors in the answer, a bad field 400, a form body 415; one look-up audited."""
    bad = medical.post("/api/v1/mhi/status/", {"iins": [student, "12"]}, format="json")
    assert bad.status_code == 200 and "error" in bad.json()["results"][1]
    for body in ({"iins": [student], "on": "1.12.2026"}, {"iins": [student], "as_of": None}):
        response = medical.post("/api/v1/mhi/status/", body, format="json")
        assert response.status_code == 400 and response.json()["errors"]
    form = medical.post("/api/v1/mhi/status/", {"iins": student})
    assert form.status_code == 415
    assert StatusLookup.objects.count() == 1


def test_status_rate_limited_per_user_window(medical, student, monkeypatch):
    from mhi_registry.apis import LookupRateThrottle

    monkeypatch.setattr(LookupRateThrottle, "THROTTLE_RATES", {"user": "3/hour"})
    # a key of this run only: the window's count lives in the shared Redis
    monkeypatch.setattr(
        LookupRateThrottle, "cache_format", f"throttle-{uuid.uuid4()}-%(scope)s-%(ident)s"
    )
    body = {"iins": [student]}
    codes = [medical.post("/api/v1/mhi/status/", body, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_status_roles(make_user, api_client_for, client):
    inspector = api_client_for(make_user("inspector", region="75"))
    assert inspector.post("/api/v1/mhi/status/", {"iins": ["1"]}, format="json").status_code == 403
    assert (
        client.post("/api/v1/mhi/status/", {}, content_type="application/json").status_code == 401
    )


def docs(*kinds, issued="2026-01-10"):
    return [{"kind": k, "number": f"N-{k}", "issued_on": issued} for k in kinds]


def test_m6_cl21_manual_inclusion_names_missing_documents(operator):
    iin = make_iin(9, "070707")
    response = operator.post(
        "/api/v1/mhi/manual-inclusions/",
        {
            "iin": iin,
            "group": "R05",
            "application_date": "2026-11-02",
            "documents": docs("birth_certificate"),
        },
        format="json",
    )
    assert response.status_code == 400
    messages = json.dumps(response.json()["errors"]["documents"], ensure_ascii=False)
    assert "Child's disability certificate" in messages and "Unemployment registration" in messages
    assert not ManualInclusion.objects.exists()


def test_m6_cl21_manual_inclusion_one_month_recorded_with_operator(operator, operator_user):
    iin = make_iin(10, "070707")
    response = operator.post(
        "/api/v1/mhi/manual-inclusions/",
        {
            "iin": iin,
            "group": "R07",
            "application_date": "2026-01-31",
            "documents": docs("pension_certificate"),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["covered_until"] == "2026-02-27" and body["operator"] == operator_user.username
    assert body["documents"] == docs("pension_certificate")
    stored = ManualInclusion.objects.get()
    assert stored.operator == operator_user and stored.documents.count() == 1


def test_m6_cl57_refused_when_the_data_already_show_the_category(operator, student):
    response = operator.post(
        "/api/v1/mhi/manual-inclusions/",
        {
            "iin": student,
            "group": "R13",
            "application_date": TODAY.isoformat(),
            "documents": docs("education_certificate", issued=TODAY.isoformat()),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "already show this person in category R13" in json.dumps(response.json())


def test_manual_inclusion_is_for_operators_only(medical):
    response = medical.post("/api/v1/mhi/manual-inclusions/", {}, format="json")
    assert response.status_code == 403


def fhir_request(iin, served=None, **extra):
    body = {
        "resourceType": "CoverageEligibilityRequest",
        "id": "req-1",
        "status": "active",
        "purpose": ["validation"],
        "patient": {"identifier": {"system": "urn:kz:iin", "value": iin}},
        "created": "2026-11-30T10:00:00+05:00",
        "insurer": {"display": "ФСМС"},
        **extra,
    }
    if served:
        body["servicedDate"] = served
    return body


def test_fhir_eligibility_answers_for_the_day_asked(medical, student):
    served = TODAY.isoformat()
    response = medical.post(
        "/fhir/CoverageEligibilityRequest",
        json.dumps(fhir_request(student, served)),
        content_type="application/fhir+json",
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "CoverageEligibilityResponse"
    assert body["outcome"] == "complete" and body["disposition"] == "mhi"
    item = body["insurance"][0]
    assert item["inforce"] is True
    assert item["benefitPeriod"]["start"] == (TODAY - dt.timedelta(days=60)).isoformat()
    assert "category" not in json.dumps(body) and "R13" not in json.dumps(body)
    # The day before the category started: not in force (openIMIS would ignore the date).
    before = (TODAY - dt.timedelta(days=61)).isoformat()
    response = medical.post(
        "/fhir/CoverageEligibilityRequest/$submit",
        json.dumps(fhir_request(student, before)),
        content_type="application/fhir+json",
    )
    body = response.json()
    assert body["insurance"][0]["inforce"] is False and body["disposition"] == "gobmp"
    assert StatusLookup.objects.filter(channel="fhir").count() == 2


@pytest.mark.parametrize(
    "payload, expression",
    [
        ("{not json", None),
        (json.dumps(fhir_request("123")), "identifier.value"),
        (json.dumps({**fhir_request("050505000070"), "status": None}), None),
        (json.dumps({**fhir_request("x"), "patient": {"display": "no IIN"}}), "patient"),
    ],
)
def test_fhir_malformed_input_gets_operation_outcome(medical, payload, expression):
    response = medical.post(
        "/fhir/CoverageEligibilityRequest", payload, content_type="application/fhir+json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "error"
    if expression:
        assert expression in body["issue"][0]["expression"][0]


def test_fhir_needs_the_medical_system_role(operator, client):
    assert (
        operator.post(
            "/fhir/CoverageEligibilityRequest", "{}", content_type="application/fhir+json"
        ).json()["resourceType"]
        == "OperationOutcome"
    )
    response = client.post(
        "/fhir/CoverageEligibilityRequest", "{}", content_type="application/fhir+json"
    )
    assert response.status_code == 401


def test_mhi_status_command_prints_whole_answers_and_fails_after_a_bad_iin(student, capsys):
    with pytest.raises(CommandError):
        call_command("mhi_status", student, "42", "--on", TODAY.isoformat())
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["iin"] == student and lines[0]["basis"] == "CATEGORY"
    assert lines[0]["explanation"] and lines[1]["iin"] == "42" and "error" in lines[1]
    assert StatusLookup.objects.get(channel="command").iins == [student, "42"]


def test_status_people_with_one_timeline_get_their_own_answers(medical, student):
    twin = make_iin(8, "050505")
    fact = CategoryPeriod.objects.get(iin=student)
    fact.pk, fact.iin = None, twin
    fact.save()
    store.refresh_people([twin], as_of=TODAY)
    results = medical.post(
        "/api/v1/mhi/status/", {"iins": [student, twin, student]}, format="json"
    ).json()["results"]
    assert [r["iin"] for r in results] == [student, twin, student]
    assert results[0] == {**results[1], "iin": student} == results[2]
    assert results[1]["insured"] is True
