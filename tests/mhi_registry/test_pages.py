"""Operator and ops pages of the MHI registry."""

from __future__ import annotations

import datetime as dt

import pytest

from mhi_registry import store
from mhi_registry.models import (
    FailureWindow,
    ManualInclusion,
    SecuritySnapshot,
    StatusLookup,
)
from tests.factories import CategoryPeriodFactory

from .conftest import make_iin

pytestmark = pytest.mark.django_db
TODAY = store.today()


@pytest.fixture
def operator_client(client, make_user):
    client.force_login(make_user("mhi_operator"))
    return client


@pytest.fixture
def person():
    iin = make_iin(3, "010101")
    CategoryPeriodFactory(
        iin=iin,
        category="R01",
        assigned_on=TODAY - dt.timedelta(days=400),
        assigned_source="MOJ",
        removed_on=TODAY - dt.timedelta(days=10),
        delivered_on=TODAY - dt.timedelta(days=9),
    )
    return iin


def test_lookup_page_shows_answer_explanation_and_timeline(operator_client, person):
    response = operator_client.post("/mhi/", {"iin": person})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="answer"' in body and "Insured" in body
    assert "Retention after a category" in body  # M2, cl. 9
    assert "M2: three months kept after leaving the category (cl. 9)" in body
    assert "<svg" in body and body.count("<rect") == 2  # the category and its retention
    assert StatusLookup.objects.get().channel == "page"
    # A knowledge date before the category was delivered: not insured, nothing drawn.
    past = (TODAY - dt.timedelta(days=500)).isoformat()
    body = operator_client.post("/mhi/", {"iin": person, "as_of": past, "on": past}).content
    assert b"Not insured" in body and b"No coverage in this period." in body


def test_lookup_page_rejects_a_malformed_iin_and_other_roles(operator_client, client, make_user):
    body = operator_client.post("/mhi/", {"iin": "123456789012"}).content.decode()
    assert "check digit" in body and 'data-testid="answer"' not in body
    client.force_login(make_user("medical_system"))
    assert client.get("/mhi/").status_code == 403


def test_inclusion_page_names_missing_document_then_includes(operator_client):
    iin = make_iin(4, "010101")
    data = {"iin": iin, "group": "R10", "application_date": TODAY.isoformat()}
    body = operator_client.post(
        "/mhi/inclusions/new/",
        {
            **data,
            "doc0_kind": "kandas_certificate",
            "doc0_number": "K-1",
            "doc0_issued_on": TODAY.isoformat(),
        },
    ).content.decode()
    assert "Missing document: Unemployment registration" in body
    assert not ManualInclusion.objects.exists()
    body = operator_client.post(
        "/mhi/inclusions/new/",
        {
            **data,
            "doc0_kind": "kandas_certificate",
            "doc0_number": "K-1",
            "doc0_issued_on": TODAY.isoformat(),
            "doc1_kind": "unemployment_registration",
            "doc1_number": "U-7",
            "doc1_issued_on": TODAY.isoformat(),
        },
    ).content.decode()
    assert 'data-testid="inclusion-done"' in body
    assert ManualInclusion.objects.get().documents.count() == 2


def test_ops_page_declares_a_failure_window_and_reports_stale_lists(client, make_user):
    client.force_login(make_user("ops"))
    response = client.post("/mhi/ops/", {"starts_on": TODAY.isoformat(), "note": "outage"})
    assert response.status_code == 302
    window = FailureWindow.objects.get()
    assert (window.window, window.version, window.ends_on) == (1, 1, None)
    client.post(
        "/mhi/ops/",
        {
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "window": 1,
        },
    )
    assert FailureWindow.objects.filter(window=1).count() == 2
    body = client.get("/mhi/ops/").content.decode()
    assert 'data-testid="stale-report"' in body and "stale (over 14 days)" in body
    assert not SecuritySnapshot.objects.exists()
