"""Writes of annuity contracts, their payments, re-certification and termination
(seed 001 cl. 25.15, 32, 48-56). Keyword-only and atomic; errors by field path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from core.calendar import working_calendar
from core.models import Organisation
from core.validators import is_valid_iin_bin
from insurance.models import Claim, ContractStatus, DecisionKind, SignatoryBasis, VoluntaryContract
from insurance.services import reduce_remaining_sum
from insurance.services.deadlines import annuity_conclusion_due_on, first_annuity_payment_due_on
from insurance.services.errors import Errors, clause

from .models import AnnuityContract, AnnuityPayment, AnnuityStatus, PaymentStatus, Recertification
from .schedule import month_count, month_due_on, months_between

OPEN_PAYMENT = (PaymentStatus.SCHEDULED, PaymentStatus.DUE, PaymentStatus.MISSED)


def committed_kzt(contract: VoluntaryContract, exclude: AnnuityContract | None = None) -> Decimal:
    """What other active annuities of the same voluntary contract will still pay."""
    queryset = AnnuityPayment.objects.filter(
        contract__claim__event__contract=contract, status__in=OPEN_PAYMENT
    )
    if exclude is not None:
        queryset = queryset.exclude(contract=exclude)
    return queryset.aggregate(s=Sum("amount_kzt"))["s"] or Decimal(0)


def _build_schedule(annuity: AnnuityContract, months, calendar) -> list[AnnuityPayment]:
    rows = []
    for month in months:
        rows.append(
            AnnuityPayment(
                contract=annuity,
                month=month,
                amount_kzt=annuity.monthly_amount_kzt,
                due_on=month_due_on(month, annuity.first_payment_due_on, calendar),
            )
        )
    return rows


@transaction.atomic
def annuity_create(
    *,
    insurer: Organisation | None,
    claim: int,
    documents_on: dt.date,
    signed_on: dt.date,
    signatory: dict,
    monthly_amount_kzt: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    other_insurer_bin: str = "",
    policyholder_premium_kzt: Decimal | None = None,
    acting_user=None,
) -> AnnuityContract:
    """Conclude an annuity contract from a claim.

    Cl. 48, 3.6-3.8: only for a degree of 5-29 %. Cl. 25.15: within the
    remaining sum insured (less what other annuities of the contract still
    owe), within 7 working days of the documents (a late conclusion is stored,
    flagged). Cl. 50-51: written, signed by the chairman or a person with a
    power of attorney. Cl. 53: the term is the period the degree is set.
    Cl. 54, 32: monthly payments, the first within 15 working days of signing.
    Cl. 55: for an employee insured with another insurer, the policyholder pays
    the annuity premium.
    """
    errors = Errors()
    queryset = Claim.objects.select_related("event__contract__rules", "event__contract__insurer")
    if insurer is not None:
        queryset = queryset.filter(event__contract__insurer=insurer)
    claim_obj = queryset.filter(pk=claim).first()
    if claim_obj is None:
        errors.add("claim", _("No such claim."))
        errors.raise_if_any()
    contract = VoluntaryContract.objects.select_for_update().get(pk=claim_obj.event.contract_id)
    rules = contract.rules
    if not rules.degree_insured(claim_obj.degree_percent):
        errors.add(
            "claim",
            clause(
                "48",
                _("An annuity follows only a degree of %(lo)s-%(hi)s %%; this claim's is %(d)s %%.")
                % {
                    "lo": rules.degree_min_percent,
                    "hi": rules.degree_max_percent,
                    "d": claim_obj.degree_percent,
                },
            ),
        )
    decision = getattr(claim_obj, "decision", None)
    if decision is not None and decision.decision in (DecisionKind.REFUSE, DecisionKind.RELEASE):
        errors.add("claim", _("The claim was refused or released: no annuity."))
    if (signatory or {}).get("basis") not in SignatoryBasis.values or not (signatory or {}).get(
        "name"
    ):
        errors.add(
            "signatory",
            clause(
                "51",
                _(
                    "Signed for the insurer by the chairman of the board or a person with "
                    "a power of attorney (name and basis); otherwise void."
                ),
            ),
        )
    if signed_on < documents_on:
        errors.add("signed_on", _("Cannot be signed before the documents were received."))
    if ends_on < starts_on:
        errors.add("ends_on", clause("53", _("The term must not end before it starts.")))
    if monthly_amount_kzt is None or monthly_amount_kzt <= 0:
        errors.add("monthly_amount_kzt", _("The amount must be positive."))
    if other_insurer_bin:
        if not is_valid_iin_bin(other_insurer_bin):
            errors.add("other_insurer_bin", _("Not a valid 12-digit BIN (check digit)."))
        if not policyholder_premium_kzt or policyholder_premium_kzt <= 0:
            errors.add(
                "policyholder_premium_kzt",
                clause(
                    "55",
                    _(
                        "The employee is insured elsewhere: record the annuity premium the "
                        "policyholder pays."
                    ),
                ),
            )
    if contract.status != ContractStatus.IN_FORCE and contract.status != ContractStatus.ENDED:
        errors.add(
            "claim",
            _("The voluntary contract is not in force (%(s)s).")
            % {"s": contract.get_status_display()},
        )
    if not errors and monthly_amount_kzt:
        total = monthly_amount_kzt * month_count(starts_on, ends_on)
        available = contract.remaining_sum_kzt - committed_kzt(contract)
        if total > available:
            errors.add(
                "monthly_amount_kzt",
                clause(
                    "25.15",
                    _(
                        "Payments over the term total %(t)s tenge, more than the "
                        "remaining sum insured available (%(a)s tenge)."
                    )
                    % {"t": total, "a": available},
                ),
            )
    errors.raise_if_any()
    calendar = working_calendar()
    conclusion_due = annuity_conclusion_due_on(rules, documents_on, calendar)
    annuity = AnnuityContract.objects.create(
        claim=claim_obj,
        insurer=contract.insurer,
        beneficiary_iin=claim_obj.beneficiary_iin,
        documents_on=documents_on,
        signed_on=signed_on,
        signatory_name=signatory["name"],
        signatory_basis=signatory["basis"],
        monthly_amount_kzt=monthly_amount_kzt,
        starts_on=starts_on,
        ends_on=ends_on,
        conclusion_due_on=conclusion_due,
        conclusion_late=signed_on > conclusion_due,
        first_payment_due_on=first_annuity_payment_due_on(rules, signed_on, calendar),
        other_insurer_bin=other_insurer_bin or "",
        policyholder_premium_kzt=policyholder_premium_kzt if other_insurer_bin else None,
        created_by=acting_user,
    )
    rows = _build_schedule(annuity, months_between(starts_on, ends_on), calendar)
    rows[0].is_first = True
    rows[0].due_on = annuity.first_payment_due_on  # cl. 32, whatever the month
    AnnuityPayment.objects.bulk_create(rows)
    return annuity


@transaction.atomic
def annuity_payment_record(
    *,
    annuity: AnnuityContract,
    month: dt.date,
    paid_on: dt.date,
    amount_kzt: Decimal,
    acting_user=None,
) -> AnnuityPayment:
    """Cl. 54, 18: the month's payment; it reduces the remaining sum insured. A late
    payment is stored (its lateness is a breach), never refused."""
    annuity = AnnuityContract.objects.select_for_update().get(pk=annuity.pk)
    contract = VoluntaryContract.objects.select_for_update().get(pk=annuity.claim.event.contract_id)
    errors = Errors()
    month = month.replace(day=1)
    row = annuity.payments.select_for_update().filter(month=month).first()
    if row is None:
        errors.add("month", clause("54", _("Not a month of this annuity's schedule.")))
    elif row.status == PaymentStatus.PAID:
        errors.add("month", _("This month is already paid."))
    elif row.status == PaymentStatus.CANCELLED:
        errors.add("month", clause("56", _("The annuity was terminated before this month.")))
    if amount_kzt is None or amount_kzt <= 0:
        errors.add("amount_kzt", _("The amount must be positive."))
    elif amount_kzt > contract.remaining_sum_kzt:
        errors.add(
            "amount_kzt",
            clause(
                "18",
                _("Over the remaining sum insured (%(a)s tenge).")
                % {"a": contract.remaining_sum_kzt},
            ),
        )
    if paid_on < annuity.signed_on:
        errors.add("paid_on", clause("50", _("Cannot be paid before the annuity was signed.")))
    errors.raise_if_any()
    row.status = PaymentStatus.PAID
    row.paid_on = paid_on
    row.paid_amount_kzt = amount_kzt
    row.save(update_fields=["status", "paid_on", "paid_amount_kzt"])
    reduce_remaining_sum(contract=contract, amount_kzt=amount_kzt, paid_on=paid_on)
    return row


@transaction.atomic
def annuity_recertify(
    *,
    annuity: AnnuityContract,
    certified_on: dt.date,
    degree_percent: int,
    new_ends_on: dt.date,
    acting_user=None,
) -> Recertification:
    """Cl. 53: re-certification extends the term and the schedule, within the
    remaining sum insured (cl. 25.15) and only for a degree of 5-29 % (cl. 48)."""
    annuity = AnnuityContract.objects.select_for_update().get(pk=annuity.pk)
    rules = annuity.claim.event.contract.rules
    contract = annuity.claim.event.contract
    errors = Errors()
    if annuity.status not in (AnnuityStatus.ACTIVE, AnnuityStatus.ENDED):
        errors.add("annuity", clause("56", _("The annuity was terminated.")))
    if not rules.degree_insured(degree_percent):
        errors.add(
            "degree_percent",
            clause(
                "48",
                _("Outside %(lo)s-%(hi)s %%.")
                % {"lo": rules.degree_min_percent, "hi": rules.degree_max_percent},
            ),
        )
    if new_ends_on <= annuity.ends_on:
        errors.add(
            "new_ends_on",
            clause("53", _("Must extend the term (now to %(e)s).") % {"e": annuity.ends_on}),
        )
    new_months = []
    if not errors:
        existing = set(annuity.payments.values_list("month", flat=True))
        new_months = [
            m for m in months_between(annuity.starts_on, new_ends_on) if m not in existing
        ]
        total = annuity.monthly_amount_kzt * len(new_months)
        available = contract.remaining_sum_kzt - committed_kzt(contract)
        if total > available:
            errors.add(
                "new_ends_on",
                clause(
                    "25.15",
                    _("The extension needs %(t)s tenge, more than the %(a)s tenge available.")
                    % {"t": total, "a": available},
                ),
            )
    errors.raise_if_any()
    recert = Recertification.objects.create(
        contract=annuity,
        certified_on=certified_on,
        degree_percent=degree_percent,
        previous_ends_on=annuity.ends_on,
        new_ends_on=new_ends_on,
    )
    AnnuityPayment.objects.bulk_create(_build_schedule(annuity, new_months, working_calendar()))
    annuity.ends_on = new_ends_on
    annuity.status = AnnuityStatus.ACTIVE
    annuity.terminated_on = None
    annuity.save(update_fields=["ends_on", "status", "terminated_on", "updated_at"])
    return recert


@transaction.atomic
def annuity_terminate(
    *, annuity: AnnuityContract, reason: str, terminated_on: dt.date, acting_user=None
) -> AnnuityContract:
    """Cl. 56: ends on the beneficiary's death or the loss of the right; payments of
    the months after it are cancelled."""
    annuity = AnnuityContract.objects.select_for_update().get(pk=annuity.pk)
    errors = Errors()
    reasons = {
        "death": AnnuityStatus.TERMINATED_DEATH,
        "right_lost": AnnuityStatus.TERMINATED_RIGHT_LOST,
    }
    if reason not in reasons:
        errors.add("reason", clause("56", _("One of death, right_lost.")))
    if annuity.status != AnnuityStatus.ACTIVE:
        errors.add("annuity", _("The annuity is not active."))
    if terminated_on < annuity.signed_on:
        errors.add("terminated_on", _("Cannot be before the annuity was signed."))
    errors.raise_if_any()
    annuity.status = reasons[reason]
    annuity.terminated_on = terminated_on
    annuity.save(update_fields=["status", "terminated_on", "updated_at"])
    annuity.payments.filter(
        Q(month__gt=terminated_on.replace(day=1)), status__in=OPEN_PAYMENT
    ).update(status=PaymentStatus.CANCELLED)
    return annuity
