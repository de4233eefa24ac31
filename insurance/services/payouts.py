"""Payouts of additional expenses, their recovery, and the policyholder's duty to
pay the difference (seed 001 cl. 18, 33-39, 43.6, 47)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ..models import Claim, DecisionKind, Payout, Recovery, ShortfallDuty, VoluntaryContract
from ..models.claims import PayoutKind
from . import deadlines
from .contracts import reduce_remaining_sum
from .errors import Errors, clause

NO_PAYOUT_DECISIONS = (DecisionKind.REFUSE, DecisionKind.RELEASE)


@dataclass(frozen=True)
class ExpensesCap:
    cap_kzt: Decimal | None
    used_kzt: Decimal

    @property
    def left_kzt(self) -> Decimal | None:
        return None if self.cap_kzt is None else max(self.cap_kzt - self.used_kzt, Decimal(0))


def expenses_cap(claim: Claim) -> ExpensesCap:
    """Cl. 35-37: one total of 250 MCI of the year the degree was first set, across
    the first setting and its extensions (all claims of the same accident and person)."""
    first_set_on = (
        Claim.objects.filter(
            event__contract=claim.event.contract_id,
            event__insured_iin=claim.event.insured_iin,
            event__occurred_on=claim.event.occurred_on,
        )
        .order_by("degree_set_on")
        .values_list("degree_set_on", flat=True)
        .first()
    ) or claim.degree_set_on
    used = Payout.objects.filter(
        kind=PayoutKind.ADDITIONAL_EXPENSES,
        claim__event__contract=claim.event.contract_id,
        claim__event__insured_iin=claim.event.insured_iin,
        claim__event__occurred_on=claim.event.occurred_on,
    ).aggregate(s=Sum("amount_kzt"))["s"] or Decimal(0)
    return ExpensesCap(deadlines.expenses_cap_kzt(claim.event.contract.rules, first_set_on), used)


@transaction.atomic
def payout_record(
    *,
    claim: Claim,
    kind: str,
    amount_kzt: Decimal,
    documents_on: dt.date,
    paid_on: dt.date,
    inside_free_care: bool = False,
    acting_user=None,
) -> Payout:
    """Reimburse additional expenses caused by the injury.

    Cl. 34: within 7 working days of the documents (a late payment is stored,
    flagged), only for expenses documented during the contract's term. Cl. 33:
    never for care inside the guaranteed volume of free medical care. Cl. 35-37:
    at most 250 MCI in total. Cl. 18: never over the remaining sum insured,
    which each payout reduces; at zero the contract ends (cl. 14, 47).
    Cl. 3.6-3.8: only for a degree inside the insured range.
    """
    contract = (
        VoluntaryContract.objects.select_for_update()
        .select_related("rules")
        .get(pk=claim.event.contract_id)
    )
    claim = Claim.objects.select_related("event__contract__rules").get(pk=claim.pk)
    errors = Errors()
    if kind != PayoutKind.ADDITIONAL_EXPENSES:
        errors.add(
            "kind",
            clause(
                "32",
                _(
                    "Lost earnings are paid only as an annuity; payouts here are "
                    "additional_expenses."
                ),
            ),
        )
    if amount_kzt is None or amount_kzt <= 0:
        errors.add("amount_kzt", _("The amount must be positive."))
        amount_kzt = Decimal(0)
    if not claim.insured_degree:
        errors.add(
            "claim",
            clause("3.6", _("The degree of loss is outside the insured range: no payout.")),
        )
    decision = getattr(claim, "decision", None)
    if decision is not None and decision.decision in NO_PAYOUT_DECISIONS:
        errors.add("claim", _("The claim was refused or released: no payout."))
    if inside_free_care:
        errors.add(
            "inside_free_care",
            clause(
                "33", _("Care inside the guaranteed volume of free medical care is not reimbursed.")
            ),
        )
    if paid_on < contract.concluded_on:
        errors.add(
            "paid_on",
            clause("13", _("Cannot be paid before the contract was concluded.")),
        )
    if paid_on < documents_on:
        errors.add("paid_on", _("Cannot be paid before the documents were received."))
    term_end = (
        contract.ended_on
        if contract.ended_on and contract.ended_on < contract.ends_on
        else contract.ends_on
    )
    if documents_on > term_end or (contract.starts_on and documents_on < contract.starts_on):
        errors.add(
            "documents_on",
            clause(
                "34",
                _(
                    "Additional expenses are reimbursed only during the contract's term "
                    "(%(s)s to %(e)s)."
                )
                % {"s": contract.starts_on or "—", "e": term_end},
            ),
        )
    cap = expenses_cap(claim)
    if cap.cap_kzt is None:
        errors.add(
            "amount_kzt",
            clause(
                "35",
                _("No MCI is recorded for %(y)s; the cap cannot be computed.")
                % {"y": claim.degree_set_on.year},
            ),
        )
    elif amount_kzt > cap.left_kzt:
        errors.add(
            "amount_kzt",
            clause(
                "35",
                _("Over the cap of additional expenses: %(cap)s tenge (250 MCI), %(left)s left.")
                % {"cap": cap.cap_kzt, "left": cap.left_kzt},
            ),
        )
    if amount_kzt > contract.remaining_sum_kzt:
        errors.add(
            "amount_kzt",
            clause(
                "18",
                _("Over the remaining sum insured (%(left)s tenge).")
                % {"left": contract.remaining_sum_kzt},
            ),
        )
    errors.raise_if_any()
    due = deadlines.reimbursement_due_on(contract.rules, documents_on)
    payout = Payout.objects.create(
        claim=claim,
        kind=kind,
        amount_kzt=amount_kzt,
        documents_on=documents_on,
        paid_on=paid_on,
        due_on=due,
        late=paid_on > due,
        cap_kzt=cap.cap_kzt,
        created_by=acting_user,
    )
    reduce_remaining_sum(contract=contract, amount_kzt=amount_kzt, paid_on=paid_on)
    return payout


@transaction.atomic
def recovery_record(
    *,
    payout: Payout,
    demanded_on: dt.date,
    amount_kzt: Decimal,
    ground: str,
    recovered_on: dt.date | None = None,
    acting_user=None,
) -> Recovery:
    """Cl. 43.6: where the policyholder waived its right of recourse, the insurer may
    claim back the payout in full or in part."""
    errors = Errors()
    if ground != "43.6":
        errors.add("ground", clause("43.6", _("A payout is recovered only on the ground of 43.6.")))
    recovered = payout.recoveries.aggregate(s=Sum("amount_kzt"))["s"] or Decimal(0)
    if amount_kzt is None or amount_kzt <= 0 or amount_kzt + recovered > payout.amount_kzt:
        errors.add(
            "amount_kzt",
            clause(
                "43.6",
                _("At most the payout made (%(a)s tenge).") % {"a": payout.amount_kzt - recovered},
            ),
        )
    if demanded_on < payout.paid_on:
        errors.add("demanded_on", _("Cannot be before the payout."))
    errors.raise_if_any()
    return Recovery.objects.create(
        payout=payout,
        demanded_on=demanded_on,
        amount_kzt=amount_kzt,
        recovered_on=recovered_on,
        created_by=acting_user,
    )


@transaction.atomic
def shortfall_record(
    *, claim: Claim, assessed_kzt: Decimal, recorded_on: dt.date, acting_user=None
) -> ShortfallDuty:
    """Cl. 39: where the payout due under the rules exceeds the sum insured, the
    policyholder owes the beneficiary the difference; recorded to be tracked."""
    contract = claim.event.contract
    covered = contract.remaining_sum_kzt
    errors = Errors()
    if assessed_kzt is None or assessed_kzt <= covered:
        errors.add(
            "assessed_kzt",
            clause(
                "39",
                _("The remaining sum insured (%(c)s tenge) covers it: no difference.")
                % {"c": covered},
            ),
        )
    errors.raise_if_any()
    return ShortfallDuty.objects.create(
        claim=claim,
        assessed_kzt=assessed_kzt,
        covered_kzt=covered,
        difference_kzt=assessed_kzt - covered,
        recorded_on=recorded_on,
        created_by=acting_user,
    )


@transaction.atomic
def shortfall_paid(*, duty: ShortfallDuty, paid_on: dt.date) -> ShortfallDuty:
    """Cl. 39: the policyholder paid the difference to the beneficiary."""
    errors = Errors()
    if paid_on < duty.recorded_on:
        errors.add("paid_on", _("Cannot be before the duty was recorded."))
    errors.raise_if_any()
    duty.paid_on = paid_on
    duty.save(update_fields=["paid_on", "updated_at"])
    return duty
