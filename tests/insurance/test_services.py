"""The rules of seed 001 as the services enforce them; each test cites its clause."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.calendar import add_working_days
from core.models import MciRate
from insurance import services
from insurance.models import (
    Claim,
    ContractStatus,
    Decision,
    InsuredEvent,
    Payout,
    PremiumPayment,
    RulesSet,
    VoluntaryContract,
)

from .conftest import valid

D = dt.date
pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_seed_001_rules_set_is_the_default_on_each_contract(story):
    contract = story.contract()
    assert contract.rules.code == "seed-001"
    rules = RulesSet.objects.get(code="seed-001")
    assert (rules.notice_working_days, rules.decision_working_days, rules.expenses_cap_mci) == (
        3,
        7,
        250,
    )


def test_cl13_cover_starts_the_day_after_the_premium_arrives(story):
    contract = story.contract(paid_on=None)
    assert contract.starts_on is None and contract.status == ContractStatus.AWAITING_PREMIUM
    services.premium_payment_record(
        contract=contract, received_on=D(2026, 1, 9), amount_kzt=Decimal("50000")
    )
    services.premium_payment_record(
        contract=contract, received_on=D(2026, 2, 9), amount_kzt=Decimal("100000")
    )
    contract.refresh_from_db()
    assert contract.starts_on == D(2026, 1, 10)  # the first instalment's next day
    assert contract.status == ContractStatus.IN_FORCE


def test_cl13_premium_paid_before_conclusion_is_refused_and_nothing_written(story):
    contract = story.contract(paid_on=None)
    with pytest.raises(ValidationError) as exc:
        services.premium_payment_record(
            contract=contract, received_on=D(2026, 1, 4), amount_kzt=Decimal("150000")
        )
    assert "cl. 13" in errors_of(exc)["received_on"][0]
    assert not PremiumPayment.objects.exists()


def test_cl20_overdue_instalments_are_listed(story):
    contract = story.contract(
        paid_on=None,
        instalments=[
            {"due_on": D(2026, 1, 10), "amount_kzt": Decimal("75000")},
            {"due_on": D(2026, 4, 10), "amount_kzt": Decimal("75000")},
        ],
    )
    services.premium_payment_record(
        contract=contract, received_on=D(2026, 1, 9), amount_kzt=Decimal("75000")
    )
    assert services.overdue_instalments(contract, D(2026, 4, 10)) == []
    overdue = services.overdue_instalments(contract, D(2026, 4, 11))
    assert [(o["due_on"], o["unpaid_kzt"]) for o in overdue] == [(D(2026, 4, 10), Decimal("75000"))]


def test_cl6_signatory_must_be_chairman_or_attorney_and_all_errors_come_together(story):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(
            insurer=story.insurer,
            series="ЕС",
            number="X1",
            policyholder_bin="123",
            concluded_on=D(2026, 1, 5),
            ends_on=D(2026, 1, 1),
            sum_insured_kzt=Decimal("1000"),
            premium_kzt=Decimal("10"),
            signatory={"name": "Clerk", "basis": "clerk"},
            branches=[
                {
                    "bin": valid("12014000003"),
                    "oked": "41201",
                    "risk_class": 30,
                    "premium_kzt": Decimal("5"),
                }
            ],
        )
    errors = errors_of(exc)
    assert "cl. 6" in errors["signatory.basis"][0]
    assert set(errors) >= {"policyholder_bin", "ends_on", "branches[0].risk_class"}
    assert not VoluntaryContract.objects.exists()


def test_cl8_harmful_factor_needs_medical_examinations(story):
    with pytest.raises(ValidationError) as exc:
        story.contract(harmful_factor=True)
    assert "cl. 8" in errors_of(exc)["medical_examinations_submitted"][0]
    assert story.contract(harmful_factor=True, medical_examinations_submitted=True).pk


def test_cl9_6_branches_carry_their_own_risk_class_and_premium(story):
    contract = story.contract(
        branches=[
            {
                "bin": valid("12014000004"),
                "name": "Mine",
                "oked": "07100",
                "risk_class": 20,
                "premium_kzt": Decimal("90000"),
            }
        ]
    )
    branch = contract.branchs.get()
    assert (branch.risk_class, branch.premium_kzt) == (20, Decimal("90000"))


def test_cl25_4_notice_due_three_working_days_after_learning_late_is_stored(story):
    contract = story.contract()
    # Friday 2026-03-06; Mon 9th is the day off for 8 March: Tue 10, Wed 11, Thu 12.
    event = story.event(contract, occurred_on=D(2026, 3, 6), notified_on=D(2026, 3, 13))
    assert event.notice_due_on == D(2026, 3, 12)
    assert event.notice_late is True
    in_time = story.event(contract, occurred_on=D(2026, 3, 6), notified_on=D(2026, 3, 12))
    assert in_time.notice_late is False
    on_time = story.event(contract, occurred_on=D(2026, 3, 2), notified_on=D(2026, 3, 5))
    assert on_time.notice_late is False


def test_cl15_circumstance_must_be_one_of_six(story):
    contract = story.contract()
    with pytest.raises(ValidationError) as exc:
        story.event(contract, circumstance="15.9")
    assert "cl. 15" in errors_of(exc)["circumstance"][0]
    assert not InsuredEvent.objects.exists()


def test_cl29_receipt_lists_documents_and_decision_due_seven_working_days(story):
    event = story.event(story.contract())
    claim = story.claim(event, documents_on=D(2026, 4, 6))
    assert claim.receipt_number and claim.receipt_issued_on == D(2026, 4, 6)
    assert claim.decision_due_on == add_working_days(D(2026, 4, 6), 7)
    assert sorted(claim.documents.values_list("kind", flat=True)) == [
        "accident_act",
        "degree_certificate",
    ]


def test_cl46_a_later_document_moves_the_decision_deadline(story):
    claim = story.claim(story.event(story.contract()), documents_on=D(2026, 4, 6))
    services.claim_add_documents(
        claim=claim, documents=[{"kind": "salary_certificate", "received_on": D(2026, 4, 20)}]
    )
    claim.refresh_from_db()
    assert claim.all_documents_on == D(2026, 4, 20)
    assert claim.decision_due_on == add_working_days(D(2026, 4, 20), 7)


def test_cl46_late_decision_is_stored_and_flagged(story):
    claim = story.claim(story.event(story.contract()))
    late_day = add_working_days(claim.decision_due_on, 2)
    decision = services.decision_record(claim=claim, decision="pay", decided_on=late_day)
    assert decision.late is True and decision.due_on == claim.decision_due_on


def test_cl41_refusal_without_a_ground_is_refused(story):
    claim = story.claim(story.event(story.contract()))
    with pytest.raises(ValidationError) as exc:
        services.decision_record(claim=claim, decision="refuse", decided_on=D(2026, 4, 8))
    errors = errors_of(exc)
    assert "cl. 41-44" in errors["grounds"][0]
    assert "cl. 23.4" in errors["reason_text"][0]
    assert not Decision.objects.exists()


def test_cl42_release_only_on_its_own_grounds(story):
    claim = story.claim(story.event(story.contract()))
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            claim=claim,
            decision="release",
            decided_on=D(2026, 4, 8),
            grounds=["41.1"],
            reason_text="war",
        )
    assert "42" in errors_of(exc)["grounds[0]"][0]
    decision = services.decision_record(
        claim=claim,
        decision="release",
        decided_on=D(2026, 4, 8),
        grounds=["42.2"],
        reason_text="Military action.",
    )
    assert decision.grounds == ["42.2"]


def test_cl41_refusal_ground_is_also_a_database_constraint(story):
    claim = story.claim(story.event(story.contract()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            claim=claim,
            decision="refuse",
            decided_on=D(2026, 4, 8),
            due_on=claim.decision_due_on,
            late=False,
            grounds=[],
            reason_text="x",
        )


def test_cl3_6_degree_outside_5_29_is_not_an_insured_event(story):
    claim = story.claim(story.event(story.contract()), degree=35)
    assert claim.insured_degree is False
    with pytest.raises(ValidationError) as exc:
        services.decision_record(claim=claim, decision="pay", decided_on=D(2026, 4, 8))
    assert "cl. 3.6" in errors_of(exc)["decision"][0]


PAY_DOCS_ON, PAID_ON = D(2026, 4, 10), D(2026, 4, 14)


def _pay(claim, amount, *, documents_on=PAY_DOCS_ON, paid_on=PAID_ON, **kw):
    return services.payout_record(
        claim=claim,
        kind="additional_expenses",
        amount_kzt=Decimal(amount),
        documents_on=documents_on,
        paid_on=paid_on,
        **kw,
    )


def test_cl34_reimbursement_due_seven_working_days_after_documents(story):
    claim = story.claim(story.event(story.contract()))
    payout = _pay(
        claim, "100000", documents_on=D(2026, 4, 10), paid_on=add_working_days(D(2026, 4, 10), 8)
    )
    assert payout.due_on == add_working_days(D(2026, 4, 10), 7)
    assert payout.late is True


def test_cl35_additional_expenses_capped_at_250_mci_of_the_year_first_set(story):
    MciRate.objects.update_or_create(year=2026, defaults={"amount_kzt": Decimal("4325")})
    claim = story.claim(story.event(story.contract()), set_on=D(2026, 4, 1))
    first = _pay(claim, "1000000")
    assert first.cap_kzt == Decimal("1081250.00")
    with pytest.raises(ValidationError) as exc:
        _pay(claim, "81251")
    assert "cl. 35" in errors_of(exc)["amount_kzt"][0]
    assert Payout.objects.count() == 1
    assert _pay(claim, "81250").pk


def test_cl37_cap_is_one_total_across_the_extension(story):
    MciRate.objects.update_or_create(year=2026, defaults={"amount_kzt": Decimal("4325")})
    event = story.event(story.contract())
    first = story.claim(event, set_on=D(2026, 4, 1))
    _pay(first, "1000000")
    # The extension (re-certification) a year later: MCI of 2026 still, one total.
    extension = story.claim(
        event, set_on=D(2027, 4, 1), until=D(2028, 4, 1), documents_on=D(2026, 12, 1)
    )
    with pytest.raises(ValidationError) as exc:
        _pay(extension, "90000", documents_on=D(2026, 12, 1), paid_on=D(2026, 12, 2))
    assert "81250" in errors_of(exc)["amount_kzt"][0]


def test_cl34_reimbursement_after_the_term_is_refused(story):
    claim = story.claim(story.event(story.contract(ends_on=D(2026, 6, 30))))
    with pytest.raises(ValidationError) as exc:
        _pay(claim, "1000", documents_on=D(2026, 7, 1), paid_on=D(2026, 7, 2))
    assert "cl. 34" in errors_of(exc)["documents_on"][0]
    assert not Payout.objects.exists()


def test_cl33_free_guaranteed_care_is_not_reimbursed(story):
    claim = story.claim(story.event(story.contract()))
    with pytest.raises(ValidationError) as exc:
        _pay(claim, "1000", inside_free_care=True)
    assert "cl. 33" in errors_of(exc)["inside_free_care"][0]


def test_cl18_payout_over_the_remaining_sum_is_refused(story):
    claim = story.claim(story.event(story.contract(sum_insured=Decimal("300000"))))
    _pay(claim, "200000")
    with pytest.raises(ValidationError) as exc:
        _pay(claim, "100001")
    assert "cl. 18" in errors_of(exc)["amount_kzt"][0]
    claim.event.contract.refresh_from_db()
    assert claim.event.contract.remaining_sum_kzt == Decimal("100000")


def test_cl47_contract_ends_when_payouts_reach_the_sum_insured(story):
    claim = story.claim(story.event(story.contract(sum_insured=Decimal("300000"))))
    _pay(claim, "300000")
    contract = VoluntaryContract.objects.get(pk=claim.event.contract_id)
    assert (contract.status, contract.remaining_sum_kzt, contract.ended_on) == (
        ContractStatus.EXHAUSTED,
        Decimal("0"),
        D(2026, 4, 14),
    )


def test_cl18_remaining_sum_is_a_database_constraint(story):
    contract = story.contract()
    with pytest.raises(IntegrityError), transaction.atomic():
        VoluntaryContract.objects.filter(pk=contract.pk).update(remaining_sum_kzt=-1)


def test_cl39_policyholder_duty_to_pay_the_difference(story):
    claim = story.claim(story.event(story.contract(sum_insured=Decimal("300000"))))
    duty = services.shortfall_record(
        claim=claim, assessed_kzt=Decimal("500000"), recorded_on=D(2026, 4, 20)
    )
    assert duty.difference_kzt == Decimal("200000") and duty.paid_on is None
    services.shortfall_paid(duty=duty, paid_on=D(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.shortfall_record(
            claim=claim, assessed_kzt=Decimal("1000"), recorded_on=D(2026, 4, 20)
        )


def test_cl43_6_recovery_of_a_payout(story):
    claim = story.claim(story.event(story.contract()))
    payout = _pay(claim, "50000")
    with pytest.raises(ValidationError) as exc:
        services.recovery_record(
            payout=payout, demanded_on=D(2026, 5, 1), amount_kzt=Decimal("50000"), ground="43.1"
        )
    assert "43.6" in errors_of(exc)["ground"][0]
    assert services.recovery_record(
        payout=payout, demanded_on=D(2026, 5, 1), amount_kzt=Decimal("50000"), ground="43.6"
    ).pk


def test_cl61_appeal_recorded_against_a_decision(story):
    claim = story.claim(story.event(story.contract()))
    decision = services.decision_record(
        claim=claim,
        decision="reduce",
        decided_on=D(2026, 4, 8),
        grounds=["43.2"],
        reason_text="Losses not reduced.",
    )
    appeal = services.appeal_record(decision=decision, body="court", filed_on=D(2026, 5, 2))
    assert appeal.decision_id == decision.pk


def test_cl9_11_missing_documents_notice_within_the_contracts_term(story):
    contract = story.contract(missing_documents_notice_working_days=2)
    claim = story.claim(story.event(contract), documents_on=D(2026, 4, 6))
    notice = services.missing_documents_notify(
        claim=claim, kinds=["salary_certificate"], sent_on=D(2026, 4, 9)
    )
    assert notice.due_on == add_working_days(D(2026, 4, 6), 2)
    assert notice.late is True


def test_cl62_supplementary_agreement_changes_the_sum_and_remaining(story):
    contract = story.contract(sum_insured=Decimal("300000"))
    services.agreement_record(
        contract=contract,
        number="1",
        signed_on=D(2026, 2, 1),
        description="More cover",
        changes={"sum_insured_kzt": "500000"},
    )
    contract.refresh_from_db()
    assert (contract.sum_insured_kzt, contract.remaining_sum_kzt) == (
        Decimal("500000"),
        Decimal("500000"),
    )


def test_cl64_duplicate_voids_the_original_document(story):
    contract = story.contract()
    duplicate = services.duplicate_issue(contract=contract, issued_on=D(2026, 5, 1), reason="lost")
    assert contract.duplicateissues.get() == duplicate


def test_another_insurers_contract_is_not_found(story, other_insurer):
    contract = story.contract()
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            insurer=other_insurer,
            contract=contract.id,
            insured_iin=valid("85010130001"),
            occurred_on=D(2026, 3, 2),
            notified_on=D(2026, 3, 3),
            circumstance="15.2",
        )
    assert errors_of(exc)["contract"] == ["No such contract."]
    assert not Claim.objects.exists()
