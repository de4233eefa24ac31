"""Annuity contracts of seed 001 ch. 10 and the monthly run; each test cites its clause."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from annuity import services
from annuity.models import AnnuityContract, AnnuityPayment, AnnuityStatus, PaymentStatus
from annuity.run import monthly_run
from core.calendar import add_working_days
from insurance.models import VoluntaryContract

D = dt.date
SIGNATORY = {"name": "A. Chair", "basis": "chairman"}
pytestmark = pytest.mark.django_db


STARTS, ENDS, DOCS_ON, SIGNED_ON = D(2026, 4, 1), D(2026, 9, 30), D(2026, 4, 6), D(2026, 4, 10)


def _annuity(
    claim,
    *,
    monthly="50000",
    starts=STARTS,
    ends=ENDS,
    documents_on=DOCS_ON,
    signed_on=SIGNED_ON,
    **kw,
):
    return services.annuity_create(
        insurer=claim.event.contract.insurer,
        claim=claim.id,
        documents_on=documents_on,
        signed_on=signed_on,
        signatory=SIGNATORY,
        monthly_amount_kzt=Decimal(monthly),
        starts_on=starts,
        ends_on=ends,
        **kw,
    )


@pytest.fixture
def claim(story):
    return story.claim(story.event(story.contract(sum_insured=Decimal("1000000"))))


def test_cl25_15_conclusion_due_seven_working_days_after_documents(claim):
    annuity = _annuity(claim, signed_on=D(2026, 4, 20))
    assert annuity.conclusion_due_on == add_working_days(D(2026, 4, 6), 7)
    assert annuity.conclusion_late is True


def test_cl32_first_payment_due_fifteen_working_days_after_signing(claim):
    annuity = _annuity(claim)
    assert annuity.first_payment_due_on == add_working_days(D(2026, 4, 10), 15)
    first = annuity.payments.get(is_first=True)
    assert (first.month, first.due_on) == (D(2026, 4, 1), annuity.first_payment_due_on)


def test_cl54_one_payment_per_calendar_month_of_the_term(claim):
    annuity = _annuity(claim)
    months = list(annuity.payments.values_list("month", flat=True))
    assert months == [D(2026, m, 1) for m in range(4, 10)]
    assert all(p.amount_kzt == Decimal("50000") for p in annuity.payments.all())


def test_cl48_annuity_for_a_degree_outside_5_29_is_refused(story):
    claim = story.claim(story.event(story.contract()), degree=4)
    with pytest.raises(ValidationError) as exc:
        _annuity(claim)
    assert "cl. 48" in exc.value.message_dict["claim"][0]
    assert not AnnuityContract.objects.exists()


def test_cl25_15_annuity_beyond_the_remaining_sum_is_refused(claim):
    # 6 months x 170 000 = 1 020 000 > 1 000 000 remaining.
    with pytest.raises(ValidationError) as exc:
        _annuity(claim, monthly="170000")
    assert "cl. 25.15" in exc.value.message_dict["monthly_amount_kzt"][0]
    assert not AnnuityPayment.objects.exists()


def test_cl51_signatory_other_than_chairman_or_attorney_is_refused(claim):
    with pytest.raises(ValidationError) as exc:
        services.annuity_create(
            insurer=claim.event.contract.insurer,
            claim=claim.id,
            documents_on=D(2026, 4, 6),
            signed_on=D(2026, 4, 10),
            signatory={"name": "X", "basis": "clerk"},
            monthly_amount_kzt=Decimal("1000"),
            starts_on=D(2026, 4, 1),
            ends_on=D(2026, 5, 1),
        )
    assert "cl. 51" in exc.value.message_dict["signatory"][0]


def test_cl55_other_insurer_needs_the_policyholders_premium(claim):
    with pytest.raises(ValidationError) as exc:
        _annuity(claim, other_insurer_bin=claim.event.contract.insurer.bin)
    assert "cl. 55" in exc.value.message_dict["policyholder_premium_kzt"][0]


def test_cl18_annuity_payment_reduces_the_remaining_sum(claim):
    annuity = _annuity(claim)
    services.annuity_payment_record(
        annuity=annuity, month=D(2026, 4, 1), paid_on=D(2026, 4, 20), amount_kzt=Decimal("50000")
    )
    contract = VoluntaryContract.objects.get(pk=claim.event.contract_id)
    assert contract.remaining_sum_kzt == Decimal("950000")
    with pytest.raises(ValidationError):
        services.annuity_payment_record(
            annuity=annuity,
            month=D(2026, 4, 1),
            paid_on=D(2026, 4, 21),
            amount_kzt=Decimal("50000"),
        )


def test_cl53_recertification_extends_the_term_and_the_schedule(claim):
    annuity = _annuity(claim)
    services.annuity_recertify(
        annuity=annuity, certified_on=D(2026, 9, 20), degree_percent=15, new_ends_on=D(2026, 12, 31)
    )
    annuity.refresh_from_db()
    assert annuity.ends_on == D(2026, 12, 31)
    assert annuity.payments.count() == 9


def test_cl56_termination_on_death_cancels_future_payments(claim):
    annuity = _annuity(claim)
    services.annuity_terminate(annuity=annuity, reason="death", terminated_on=D(2026, 6, 15))
    statuses = dict(annuity.payments.values_list("month", "status"))
    assert statuses[D(2026, 6, 1)] != PaymentStatus.CANCELLED
    assert statuses[D(2026, 7, 1)] == statuses[D(2026, 9, 1)] == PaymentStatus.CANCELLED
    annuity.refresh_from_db()
    assert annuity.status == AnnuityStatus.TERMINATED_DEATH


def test_cl54_monthly_run_marks_due_flags_missed_closes_and_is_idempotent(claim):
    annuity = _annuity(claim)
    services.annuity_payment_record(
        annuity=annuity, month=D(2026, 4, 1), paid_on=D(2026, 4, 20), amount_kzt=Decimal("50000")
    )
    first = monthly_run(on=D(2026, 6, 2))
    again = monthly_run(on=D(2026, 6, 2))
    statuses = dict(annuity.payments.values_list("month", "status"))
    assert statuses[D(2026, 4, 1)] == PaymentStatus.PAID
    assert statuses[D(2026, 5, 1)] == PaymentStatus.MISSED  # due on the last working day of May
    assert statuses[D(2026, 6, 1)] == PaymentStatus.DUE
    assert statuses[D(2026, 7, 1)] == PaymentStatus.SCHEDULED
    assert (first["marked_due"], first["flagged_missed"]) == (2, 1)
    assert (again["marked_due"], again["flagged_missed"], again["annuities_closed"]) == (0, 0, 0)
    closing = monthly_run(on=D(2026, 10, 1))
    annuity.refresh_from_db()
    assert closing["annuities_closed"] == 1 and annuity.status == AnnuityStatus.ENDED
