"""The voluntary-insurance and annuity API of INTERFACES.md, as an insurer uses it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from annuity.models import AnnuityContract
from core.calendar import add_working_days
from core.models import MciRate
from insurance.models import Payout, VoluntaryContract

from .conftest import valid

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1/"


@pytest.fixture
def insurer_user(make_user, insurer):
    return make_user("insurer", organisation=insurer)


@pytest.fixture
def client(insurer_user, api_client_for):
    return api_client_for(insurer_user)


def contract_body(number="00001", **extra):
    body = {
        "series": "ЕС",
        "number": number,
        "policyholder_bin": valid("12014000003"),
        "concluded_on": "2026-01-05",
        "ends_on": "2027-01-04",
        "sum_insured_kzt": "2000000.00",
        "premium_kzt": "150000.00",
        "currency": "KZT",
        "insured": [{"iin": valid("85010130001"), "full_name": "B. Worker"}],
        "beneficiaries": [{"iin": valid("85010130001"), "full_name": "B. Worker"}],
        "branches": [
            {
                "bin": valid("12014000004"),
                "oked": "07100",
                "risk_class": 20,
                "premium_kzt": "50000.00",
            }
        ],
        "signatory": {"name": "A. Chair", "basis": "chairman"},
    }
    body.update(extra)
    return body


def _story(client):
    contract = client.post(API + "voluntary/contracts/", contract_body(), format="json")
    assert contract.status_code == 201, contract.json()
    cid = contract.json()["id"]
    paid = client.post(
        f"{API}voluntary/contracts/{cid}/premium-payments/",
        {"received_on": "2026-01-09", "amount_kzt": "150000"},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    event = client.post(
        API + "voluntary/events/",
        {
            "contract": cid,
            "insured_iin": valid("85010130001"),
            "occurred_on": "2026-03-06",
            "circumstance": "15.2",
            "notified_on": "2026-03-13",
        },
        format="json",
    )
    assert event.status_code == 201, event.json()
    claim = client.post(
        API + "voluntary/claims/",
        {
            "event": event.json()["id"],
            "degree_percent": 20,
            "degree_set_on": "2026-04-01",
            "degree_until": "2026-09-30",
            "beneficiary": {
                "iin": valid("85010130001"),
                "full_name": "B. Worker",
                "address": "Almaty",
                "phone": "+7 701 000 00 00",
                "bank_account": "KZ000000000000000001",
            },
            "documents": [
                {"kind": "accident_act", "received_on": "2026-04-03"},
                {"kind": "degree_certificate", "received_on": "2026-04-06"},
            ],
        },
        format="json",
    )
    assert claim.status_code == 201, claim.json()
    return contract.json(), paid.json(), event.json(), claim.json()


def test_an_insurers_whole_story_over_the_api(client):
    MciRate.objects.update_or_create(year=2026, defaults={"amount_kzt": Decimal("4325")})
    contract, paid, event, claim = _story(client)
    assert contract["rules"] == "seed-001" and contract["starts_on"] is None
    assert contract["status"] == "awaiting_premium"
    assert (paid["starts_on"], paid["status"]) == ("2026-01-10", "in_force")
    assert paid["remaining_sum_kzt"] == "2000000.00"
    assert (event["notice_due_on"], event["notice_late"]) == ("2026-03-12", True)
    assert claim["all_documents_on"] == "2026-04-06"
    assert claim["decision_due_on"] == add_working_days(D(2026, 4, 6), 7).isoformat()
    assert [d["kind"] for d in claim["receipt"]["documents"]] == [
        "accident_act",
        "degree_certificate",
    ]
    assert claim["receipt"]["issued_on"] == "2026-04-03" and claim["receipt"]["copies"] == 2

    decided = client.post(
        f"{API}voluntary/claims/{claim['id']}/decision/",
        {"decision": "pay", "decided_on": "2026-04-08"},
        format="json",
    )
    assert decided.status_code == 201
    assert decided.json()["decision_late"] is False
    assert decided.json()["decision"]["decision"] == "pay"

    payout = client.post(
        f"{API}voluntary/claims/{claim['id']}/payouts/",
        {
            "kind": "additional_expenses",
            "amount_kzt": "100000",
            "documents_on": "2026-04-10",
            "paid_on": "2026-04-30",
        },
        format="json",
    )
    assert payout.status_code == 201, payout.json()
    body = payout.json()
    assert body["due_on"] == add_working_days(D(2026, 4, 10), 7).isoformat()
    assert body["late"] is True
    assert (body["cap_kzt"], body["cap_left_kzt"]) == ("1081250.00", "981250.00")
    assert body["remaining_sum_kzt"] == "1900000.00"

    annuity = client.post(
        API + "annuity/contracts/",
        {
            "claim": claim["id"],
            "documents_on": "2026-04-06",
            "signed_on": "2026-04-10",
            "signatory": {"name": "A. Chair", "basis": "power_of_attorney"},
            "monthly_amount_kzt": "60000",
            "starts_on": "2026-04-01",
            "ends_on": "2026-09-30",
        },
        format="json",
    )
    assert annuity.status_code == 201, annuity.json()
    a = annuity.json()
    assert a["conclusion_due_on"] == add_working_days(D(2026, 4, 6), 7).isoformat()
    assert a["conclusion_late"] is False
    assert a["first_payment_due_on"] == add_working_days(D(2026, 4, 10), 15).isoformat()
    assert [r["month"] for r in a["schedule"]] == [f"2026-{m:02d}" for m in range(4, 10)]
    assert a["schedule"][0]["due_on"] == a["first_payment_due_on"]

    pay = client.post(
        f"{API}annuity/contracts/{a['id']}/payments/",
        {"month": "2026-04", "paid_on": "2026-04-20", "amount_kzt": "60000"},
        format="json",
    )
    assert pay.status_code == 201, pay.json()
    assert pay.json()["schedule"][0]["paid_on"] == "2026-04-20"
    assert VoluntaryContract.objects.get().remaining_sum_kzt == Decimal("1840000")

    found = client.get(API + "voluntary/breaches/", {"on": "2026-06-30"}).json()["results"]
    kinds = sorted(b["kind"] for b in found)
    # May's payment was due on its last working day (29th); June's falls due on the 30th.
    assert kinds == ["late_notice", "late_reimbursement", "missed_monthly_payment"]
    notice = next(b for b in found if b["kind"] == "late_notice")
    assert notice == {
        "kind": "late_notice",
        "clause": "25.4",
        "insurer_bin": contract["insurer_bin"],
        "object_id": event["id"],
        "contract_id": contract["id"],
        "region": None,
        "due_on": "2026-03-12",
        "done_on": "2026-03-13",
        "working_days_late": 1,
    }
    risk = client.get(API + "voluntary/breaches/", {"on": "2026-06-29", "at_risk": "true"})
    assert [b["kind"] for b in risk.json()["results"]] == ["missed_monthly_payment"]


def test_bad_input_is_a_400_naming_the_clause_and_nothing_is_written(client):
    _, _, _, claim = _story(client)
    refuse = client.post(
        f"{API}voluntary/claims/{claim['id']}/decision/",
        {"decision": "refuse", "decided_on": "2026-04-08"},
        format="json",
    )
    assert refuse.status_code == 400
    assert "cl. 41-44" in refuse.json()["errors"]["grounds"][0]
    over = client.post(
        f"{API}voluntary/claims/{claim['id']}/payouts/",
        {
            "kind": "additional_expenses",
            "amount_kzt": "2000001",
            "documents_on": "2026-04-10",
            "paid_on": "2026-04-14",
        },
        format="json",
    )
    assert over.status_code == 400
    messages = " ".join(over.json()["errors"]["amount_kzt"])
    assert "cl. 35" in messages and "cl. 18" in messages
    assert not Payout.objects.exists()
    early = client.post(API + "voluntary/contracts/", contract_body("00002"), format="json")
    early_pay = client.post(
        f"{API}voluntary/contracts/{early.json()['id']}/premium-payments/",
        {"received_on": "2026-01-01", "amount_kzt": "1"},
        format="json",
    )
    assert early_pay.status_code == 400
    assert "cl. 13" in early_pay.json()["errors"]["received_on"][0]
    annuity = client.post(
        API + "annuity/contracts/",
        {
            "claim": claim["id"],
            "documents_on": "2026-04-06",
            "signed_on": "2026-04-10",
            "signatory": {"name": "A. Chair", "basis": "chairman"},
            "monthly_amount_kzt": "400000",
            "starts_on": "2026-04-01",
            "ends_on": "2026-09-30",
        },
        format="json",
    )
    assert annuity.status_code == 400
    assert "cl. 25.15" in annuity.json()["errors"]["monthly_amount_kzt"][0]
    assert not AnnuityContract.objects.exists()


def test_another_insurers_records_are_404_and_chief_reads_all(
    client, make_user, other_insurer, api_client_for
):
    contract, _, event, claim = _story(client)
    other = api_client_for(make_user("insurer", organisation=other_insurer))
    assert other.get(f"{API}voluntary/contracts/{contract['id']}/").status_code == 404
    assert other.get(f"{API}voluntary/claims/{claim['id']}/").status_code == 404
    assert other.get(API + "voluntary/contracts/").json()["results"] == []
    decided = other.post(
        f"{API}voluntary/claims/{claim['id']}/decision/",
        {"decision": "pay", "decided_on": "2026-04-08"},
        format="json",
    )
    assert decided.status_code == 404
    assert other.get(API + "voluntary/breaches/").json()["results"] == []

    chief = api_client_for(make_user("chief_inspector"))
    assert chief.get(f"{API}voluntary/claims/{claim['id']}/").json()["id"] == claim["id"]
    assert [c["id"] for c in chief.get(API + "voluntary/contracts/").json()["results"]] == [
        contract["id"]
    ]
    write = chief.post(API + "voluntary/contracts/", contract_body("9"), format="json")
    assert write.status_code == 403
    inspector = api_client_for(make_user("inspector", region="75"))
    assert inspector.get(API + "voluntary/contracts/").status_code == 403


def test_updated_since_lists_only_later_changes(client):
    contract, *_ = _story(client)
    later = "2999-01-01T00:00:00Z"
    assert (
        client.get(API + "voluntary/contracts/", {"updated_since": later}).json()["results"] == []
    )
    assert client.get(API + "voluntary/contracts/").json()["results"][0]["id"] == contract["id"]


def test_lists_cost_a_fixed_number_of_queries(client, story, django_assert_max_num_queries):
    for _ in range(3):
        contract = story.contract()
        story.claim(story.event(contract))
    with django_assert_max_num_queries(16):
        assert len(client.get(API + "voluntary/contracts/").json()["results"]) == 3
    with django_assert_max_num_queries(16):
        assert len(client.get(API + "voluntary/claims/").json()["results"]) == 3
    for _ in range(5):
        story.claim(story.event(story.contract()))
    with django_assert_max_num_queries(16):
        assert len(client.get(API + "voluntary/claims/").json()["results"]) == 8
