"""Insurer REST API for ОСНС contracts (INTERFACES.md § Mandatory insurance; seed 000 cl. 4-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.models import OsnsContract
from contracts.services.scan import scan_violators
from core.models import Organisation

from .esbd_rows import EMPLOYER_BIN, INSURER_BIN, contract, make_bin
from .esutd_rows import HEAD_BIN, IINS, OTHER_BIN, employment

pytestmark = pytest.mark.django_db

URL = "/api/v1/osns/contracts/"


def body(**changes) -> dict:
    row = contract(**changes)
    row.pop("insurer_bin")
    return row


@pytest.fixture
def insurer(db):
    return Organisation.objects.create(bin=INSURER_BIN, name="Береке Life", kind="insurer")


@pytest.fixture
def client(insurer, make_user, api_client_for):
    return api_client_for(make_user("insurer", organisation=insurer))


@pytest.fixture
def other_client(make_user, api_client_for):
    other = Organisation.objects.create(
        bin=make_bin(__import__("random").Random(5), "0102"), name="Other", kind="insurer"
    )
    return api_client_for(make_user("insurer", organisation=other))


def test_cl6_create_returns_the_stored_contract_with_its_id(client):
    response = client.post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    stored = OsnsContract.objects.get()
    assert data["id"] == stored.pk
    assert (data["insurer_bin"], data["contract_number"], data["status"]) == (
        INSURER_BIN, "1001", "created",
    )  # fmt: skip
    assert (data["premium_kzt"], data["workers_count"], data["source"]) == ("180000.00", 42, "api")
    assert stored.feed_file is None and stored.delivered_on is not None


def test_cl6_same_identity_identical_is_unchanged_else_409_pointing_to_the_id(client):
    first = client.post(URL, body(), format="json").json()
    same = client.post(URL, body(), format="json")
    assert (same.status_code, same.json()["status"]) == (200, "unchanged")
    other = client.post(URL, body(workers_count="50"), format="json")
    assert other.status_code == 409
    assert other.json()["id"] == first["id"]
    assert OsnsContract.objects.count() == 1


def test_cl6_patch_keeps_the_previous_version(client):
    created = client.post(URL, body(), format="json").json()
    response = client.patch(f"{URL}{created['id']}/", {"workers_count": 60}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["workers_count"]) == (created["id"], 60)
    versions = OsnsContract.objects.order_by("version")
    assert [(v.version, v.is_current, v.workers_count) for v in versions] == [
        (1, False, 42),
        (2, True, 60),
    ]
    detail = client.get(f"{URL}{created['id']}/").json()
    assert [v["version"] for v in detail["versions"]] == [1, 2]


def test_cl6_rule_breaks_are_400_naming_the_field_and_nothing_is_stored(client):
    response = client.post(
        URL,
        body(starts_on="2025-03-01", ends_on="2025-02-01", policyholder_bin="123"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "policyholder_bin" in errors
    response = client.post(URL, body(starts_on="2025-03-01", ends_on="2025-02-01"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_on": ["ends_on is before starts_on."]}
    assert not OsnsContract.objects.exists()


def test_cl6_another_insurers_contract_is_404_and_untouched(client, other_client):
    created = client.post(URL, body(), format="json").json()
    assert other_client.get(f"{URL}{created['id']}/").status_code == 404
    response = other_client.patch(f"{URL}{created['id']}/", {"workers_count": 1}, format="json")
    assert response.status_code == 404
    assert (
        other_client.post(f"{URL}{created['id']}/terminate/", {}, format="json").status_code == 404
    )
    assert other_client.get(URL).json()["count"] == 0
    assert OsnsContract.objects.get().workers_count == 42


def test_cl6_7_8_terminate_writes_a_new_version(client):
    created = client.post(URL, body(), format="json").json()
    response = client.post(
        f"{URL}{created['id']}/terminate/",
        {"terminated_on": "2025-06-01", "termination_reason": "liquidation"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["terminated_on"], response.json()["termination_reason"]) == (
        "2025-06-01", "liquidation",
    )  # fmt: skip
    assert OsnsContract.objects.count() == 2
    missing = client.post(
        f"{URL}{created['id']}/terminate/", {"terminated_on": "2025-06-01"}, format="json"
    )
    assert missing.status_code == 400 and "termination_reason" in missing.json()["errors"]


def test_cl5_bulk_stores_valid_items_and_answers_per_item(client):
    client.post(URL, body(contract_number="A"), format="json")
    items = [
        body(contract_number="A"),  # unchanged
        body(contract_number="A2"),  # created
        body(contract_number="B", ends_on="2024-01-01"),  # rejected by a rule
        body(contract_number="C", premium_kzt="-1"),  # rejected by type
    ]
    items[0]["workers_count"] = "43"  # updated: bulk writes a new version
    response = client.post(f"{URL}bulk/", items, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["updated", "created", "rejected", "rejected"]
    assert "ends_on" in results[2]["errors"] and "premium_kzt" in results[3]["errors"]
    assert set(
        OsnsContract.objects.filter(is_current=True).values_list("contract_number", flat=True)
    ) == {"A", "A2"}
    too_many = client.post(f"{URL}bulk/", [body()] * 1001, format="json")
    assert too_many.status_code == 400


def test_cl5_list_is_paginated_and_filters_by_updated_since(client):
    client.post(URL, body(contract_number="1"), format="json")
    client.post(URL, body(contract_number="2"), format="json")
    page = client.get(URL).json()
    assert page["count"] == 2 and len(page["results"]) == 2
    future = client.get(URL, {"updated_since": "2999-01-01T00:00:00Z"}).json()
    assert future["count"] == 0
    assert client.get(URL, {"updated_since": "yesterday"}).status_code == 400


def test_seed002_under_insurance_flags_beside_the_contract(client, load_esutd):
    load_esutd(
        [
            employment(employer_bin=EMPLOYER_BIN, employee_iin=IINS[i], contract_number=str(i))
            for i in range(3)
        ]
    )
    response = client.post(
        URL, body(workers_count="2", premium_kzt="50000.00", starts_on="2025-01-15"), format="json"
    )
    assert response.status_code == 201
    columns = sorted(f["column"] for f in response.json()["flags"])
    assert columns == ["premium_kzt", "workers_count"]


def test_seed002_violators_api_is_for_inspectors_of_their_region(
    make_user, api_client_for, load_esutd, client
):
    load_esutd(
        [
            employment(),
            employment(employer_bin=OTHER_BIN, employer_kato="711110000", contract_number="2"),
        ]
    )
    inspector = api_client_for(make_user("inspector", region="75"))
    response = inspector.get("/api/v1/osns/violators/", {"on": "2025-06-01"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["results"][0]["employer_bin"] == HEAD_BIN
    assert data["results"][0]["region"] == "75"
    assert data["results"][0]["employees_on_date"] == 1
    assert data["results"][0]["last_cover_ends_on"] is None
    assert inspector.get("/api/v1/osns/violators/", {"region": "71"}).status_code == 403
    chief = api_client_for(make_user("chief_inspector"))
    assert chief.get("/api/v1/osns/violators/", {"on": "2025-06-01"}).json()["count"] == 2
    assert chief.get("/api/v1/osns/violators/", {"on": "2025-13-01"}).status_code == 400
    assert client.get("/api/v1/osns/violators/").status_code == 403
    scan_violators(on=dt.date(2025, 6, 1))
    cases = chief.get("/api/v1/osns/cases/").json()
    assert cases["count"] == 2
    assert inspector.get("/api/v1/osns/cases/").json()["count"] == 1


def test_cl6_a_doubtful_contract_is_stored_with_the_feeds_flags(client):
    response = client.post(
        URL,
        body(starts_on="2025-01-15", ends_on="2026-03-14", terminated_on="2025-05-01"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    flags = {(f["column"], f["reason"]) for f in response.json()["flags"]}
    assert ("ends_on", "The term is 12 months or longer (the law sets 12 months at most).") in flags
    assert ("termination_reason", "terminated_on is given without termination_reason.") in flags
    stored = OsnsContract.objects.get()
    assert len(stored.flags) == 2
    listed = client.get(URL).json()["results"][0]
    assert {f["column"] for f in listed["flags"]} == {"ends_on", "termination_reason"}


def test_cl6_7_termination_reason_as_written_gets_its_code(client):
    created = client.post(URL, body(), format="json").json()
    response = client.post(
        f"{URL}{created['id']}/terminate/",
        {"terminated_on": "2025-06-01", "termination_reason": "По решению суда"},
        format="json",
    )
    assert (response.json()["termination_reason"], response.json()["termination_code"]) == (
        "По решению суда", "court",
    )  # fmt: skip


def test_cl5_the_api_and_the_feed_share_one_identity_and_history(client, load_esbd):
    summary, _ = load_esbd([contract(contract_number="F-1")], name="esbd_contracts_20250301.csv")
    assert summary.loaded == 1
    feed_version = OsnsContract.objects.get()
    same = client.post(URL, body(contract_number="F-1"), format="json")
    assert (same.status_code, same.json()["status"], same.json()["id"]) == (
        200, "unchanged", feed_version.pk,
    )  # fmt: skip
    patched = client.patch(f"{URL}{feed_version.pk}/", {"workers_count": 77}, format="json")
    assert (patched.json()["version"], patched.json()["source"]) == (2, "api")
    load_esbd(
        [contract(contract_number="F-1", workers_count="78")], name="esbd_contracts_20991231.csv"
    )
    detail = client.get(f"{URL}{feed_version.pk}/").json()
    assert [(v["version"], v["source"]) for v in detail["versions"]] == [
        (1, "feed"), (2, "api"), (3, "feed"),
    ]  # fmt: skip
    assert detail["workers_count"] == 78
