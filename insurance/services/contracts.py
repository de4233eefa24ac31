"""Writes of voluntary contracts and their premium (seed 001 ch. 3, 5, 9, 13).

Keyword-only, atomic: a call that fails writes nothing and reports all its
errors together by field path (``"branches[1].risk_class"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.models import Organisation, Region
from core.validators import is_valid_iin_bin

from ..models import (
    Beneficiary,
    Branch,
    ContractStatus,
    DuplicateIssue,
    InsuredPerson,
    PremiumInstalment,
    PremiumPayment,
    RulesSet,
    SignatoryBasis,
    SupplementaryAgreement,
    VoluntaryContract,
)
from ..models.rules import SEED_001_CODE
from .errors import Errors, clause

CONTRACT_FIELDS = (
    "series",
    "number",
    "policyholder_bin",
    "policyholder_name",
    "policyholder_is_individual",
    "policyholder_address",
    "policyholder_bank_details",
    "policyholder_resident",
    "policyholder_economic_sector",
    "insured_object",
    "insured_event",
    "sum_insured_kzt",
    "premium_kzt",
    "premium_payment_order",
    "payout_order",
    "currency",
    "applied_on",
    "concluded_on",
    "ends_on",
    "terms_change_order",
    "missing_documents_notice_working_days",
    "harmful_factor",
    "medical_examinations_submitted",
)


def _check_iin(errors: Errors, path: str, value: Any) -> None:
    if not is_valid_iin_bin(value):
        errors.add(path, _("Not a valid 12-digit IIN/BIN (check digit)."))


def _resolve_rules(code: str | None, errors: Errors) -> RulesSet | None:
    rules = RulesSet.objects.filter(code=code or SEED_001_CODE).first()
    if rules is None:
        errors.add("rules", _("Unknown rules set %(code)s.") % {"code": code})
    return rules


@transaction.atomic
def contract_create(
    *,
    insurer: Organisation,
    acting_user=None,
    signatory: dict,
    rules: str | None = None,
    region: str | None = None,
    insured: Sequence[dict] = (),
    beneficiaries: Sequence[dict] = (),
    branches: Sequence[dict] = (),
    instalments: Sequence[dict] = (),
    **fields: Any,
) -> VoluntaryContract:
    """Record a voluntary contract with the content of cl. 9.

    Cl. 5-6: signed for the insurer only by the chairman of the board or a person
    with a power of attorney. Cl. 8: where a harmful factor exists, the medical
    examinations of the last two years come with the application. Cl. 9.6:
    branches carry their own risk class and premium. Cl. 12: the term is the
    one the contract states (12 months by default, set by the caller). Cl. 13:
    cover starts only after the premium arrives, so a new contract awaits it.
    """
    errors = Errors()
    rules_set = _resolve_rules(rules, errors)
    unknown = set(fields) - set(CONTRACT_FIELDS)
    for name in sorted(unknown):
        errors.add(name, _("Unknown field."))
    _check_iin(errors, "policyholder_bin", fields.get("policyholder_bin"))
    if not (signatory or {}).get("name"):
        errors.add("signatory.name", _("Name the person who signed for the insurer."))
    if (signatory or {}).get("basis") not in SignatoryBasis.values:
        errors.add(
            "signatory.basis",
            clause(
                "6",
                _(
                    "Only the chairman of the board or a person with a power of attorney "
                    "may sign; otherwise the contract is void."
                ),
            ),
        )
    if fields.get("harmful_factor") and not fields.get("medical_examinations_submitted"):
        errors.add(
            "medical_examinations_submitted",
            clause(
                "8",
                _(
                    "With a harmful factor the application must include the medical "
                    "examinations of the last two years."
                ),
            ),
        )
    concluded, ends = fields.get("concluded_on"), fields.get("ends_on")
    if concluded and ends and ends <= concluded:
        errors.add("ends_on", clause("12", _("The term must end after the conclusion date.")))
    region_obj = None
    if region:
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            errors.add("region", _("Unknown region code."))
    for i, person in enumerate(insured):
        _check_iin(errors, f"insured[{i}].iin", person.get("iin"))
    for i, person in enumerate(beneficiaries):
        _check_iin(errors, f"beneficiaries[{i}].iin", person.get("iin"))
    branch_premium = Decimal(0)
    for i, branch in enumerate(branches):
        _check_iin(errors, f"branches[{i}].bin", branch.get("bin"))
        if not 1 <= int(branch.get("risk_class") or 0) <= 22:
            errors.add(f"branches[{i}].risk_class", clause("9.6", _("Risk class 1 to 22.")))
        branch_premium += Decimal(branch.get("premium_kzt") or 0)
    premium = fields.get("premium_kzt")
    if branches and premium is not None and branch_premium > premium:
        errors.add(
            "branches",
            clause("9.6", _("The branches' premiums exceed the contract's premium.")),
        )
    if instalments and premium is not None:
        total = sum(Decimal(x["amount_kzt"]) for x in instalments)
        if total != premium:
            errors.add(
                "instalments",
                clause("20", _("Instalments must add up to the premium (%(p)s).") % {"p": premium}),
            )
    if (
        rules_set
        and VoluntaryContract.objects.filter(
            insurer=insurer, series=fields.get("series"), number=fields.get("number")
        ).exists()
    ):
        errors.add("number", _("A contract with this series and number already exists."))
    errors.raise_if_any()

    contract = VoluntaryContract(
        insurer=insurer,
        rules=rules_set,
        region=region_obj,
        signatory_name=signatory["name"],
        signatory_basis=signatory["basis"],
        signatory_document=signatory.get("document", ""),
        remaining_sum_kzt=fields.get("sum_insured_kzt"),
        created_by=acting_user,
        **fields,
    )
    try:
        contract.full_clean()
    except ValidationError as exc:
        errors.add_exception("", exc)
        errors.raise_if_any()
    contract.save()
    InsuredPerson.objects.bulk_create(InsuredPerson(contract=contract, **p) for p in insured)
    Beneficiary.objects.bulk_create(Beneficiary(contract=contract, **p) for p in beneficiaries)
    Branch.objects.bulk_create(Branch(contract=contract, **b) for b in branches)
    PremiumInstalment.objects.bulk_create(
        PremiumInstalment(contract=contract, **x) for x in instalments
    )
    return contract


@transaction.atomic
def premium_payment_record(
    *, contract: VoluntaryContract, received_on: dt.date, amount_kzt: Decimal, acting_user=None
) -> PremiumPayment:
    """Cl. 13, 21: the money reaching the insurer's account is the payment; the
    contract and its cover start the next day (with instalments, the day after
    the first one). A payment dated before the contract was concluded is refused."""
    contract = VoluntaryContract.objects.select_for_update().get(pk=contract.pk)
    errors = Errors()
    if received_on < contract.concluded_on:
        errors.add(
            "received_on",
            clause(
                "13",
                _("A premium cannot be paid before the contract was concluded (%(d)s).")
                % {"d": contract.concluded_on.isoformat()},
            ),
        )
    if amount_kzt is None or amount_kzt <= 0:
        errors.add("amount_kzt", _("The amount must be positive."))
    errors.raise_if_any()
    payment = PremiumPayment.objects.create(
        contract=contract, received_on=received_on, amount_kzt=amount_kzt, created_by=acting_user
    )
    first = contract.premiumpayments.order_by("received_on").first()
    starts_on = first.received_on + dt.timedelta(days=1)
    if contract.starts_on != starts_on:
        contract.starts_on = starts_on
        if contract.status == ContractStatus.AWAITING_PREMIUM:
            contract.status = ContractStatus.IN_FORCE
        contract.save(update_fields=["starts_on", "status", "updated_at"])
    return payment


def overdue_instalments(contract: VoluntaryContract, on: dt.date) -> list[dict]:
    """Cl. 20: instalments due by ``on`` not covered by the payments received by then."""
    paid = contract.premiumpayments.filter(received_on__lte=on).aggregate(s=Sum("amount_kzt"))[
        "s"
    ] or Decimal(0)
    owed = Decimal(0)
    overdue = []
    for instalment in contract.premiuminstalments.order_by("due_on"):
        owed += instalment.amount_kzt
        if instalment.due_on < on and owed > paid:
            overdue.append(
                {
                    "due_on": instalment.due_on,
                    "amount_kzt": instalment.amount_kzt,
                    "unpaid_kzt": min(instalment.amount_kzt, owed - paid),
                }
            )
    return overdue


@transaction.atomic
def agreement_record(
    *,
    contract: VoluntaryContract,
    number: str,
    signed_on: dt.date,
    description: str,
    changes: dict | None = None,
    acting_user=None,
) -> SupplementaryAgreement:
    """Cl. 62: a change of terms is a supplementary agreement signed by both sides.

    Only the term and the notice term for missing documents change through it
    here; the sum insured changes move the remaining sum by the same amount.
    """
    contract = VoluntaryContract.objects.select_for_update().get(pk=contract.pk)
    errors = Errors()
    changes = dict(changes or {})
    allowed = {"ends_on", "sum_insured_kzt", "missing_documents_notice_working_days"}
    for key in sorted(set(changes) - allowed):
        errors.add(f"changes.{key}", _("This term cannot be changed by an agreement here."))
    if signed_on < contract.concluded_on:
        errors.add("signed_on", clause("62", _("Signed before the contract was concluded.")))
    if contract.supplementaryagreements.filter(number=number).exists():
        errors.add("number", _("An agreement with this number already exists."))
    errors.raise_if_any()
    stored = {}
    if "ends_on" in changes:
        contract.ends_on = dt.date.fromisoformat(str(changes["ends_on"]))
        stored["ends_on"] = contract.ends_on.isoformat()
    if "sum_insured_kzt" in changes:
        new_sum = Decimal(str(changes["sum_insured_kzt"]))
        contract.remaining_sum_kzt += new_sum - contract.sum_insured_kzt
        contract.sum_insured_kzt = new_sum
        stored["sum_insured_kzt"] = str(new_sum)
    if "missing_documents_notice_working_days" in changes:
        contract.missing_documents_notice_working_days = int(
            changes["missing_documents_notice_working_days"]
        )
        stored["missing_documents_notice_working_days"] = (
            contract.missing_documents_notice_working_days
        )
    try:
        contract.full_clean()
    except ValidationError as exc:
        errors.add_exception("changes", exc)
        errors.raise_if_any()
    contract.save()
    return SupplementaryAgreement.objects.create(
        contract=contract,
        number=number,
        signed_on=signed_on,
        description=description,
        changes=stored,
        created_by=acting_user,
    )


@transaction.atomic
def duplicate_issue(
    *, contract: VoluntaryContract, issued_on: dt.date, reason: str = "", acting_user=None
) -> DuplicateIssue:
    """Cl. 64: on the policyholder's application a duplicate is issued and the original
    document becomes void; the contract and its facts go on unchanged."""
    errors = Errors()
    if issued_on < contract.concluded_on:
        errors.add("issued_on", clause("64", _("Issued before the contract was concluded.")))
    errors.raise_if_any()
    return DuplicateIssue.objects.create(
        contract=contract, issued_on=issued_on, reason=reason, created_by=acting_user
    )


def reduce_remaining_sum(
    *, contract: VoluntaryContract, amount_kzt: Decimal, paid_on: dt.date
) -> None:
    """Cl. 14, 18, 47: every payout reduces the sum insured; at zero the contract ends.

    Callers lock the contract row and have checked the amount fits."""
    contract.remaining_sum_kzt -= amount_kzt
    fields = ["remaining_sum_kzt", "updated_at"]
    if contract.remaining_sum_kzt == 0:
        contract.status = ContractStatus.EXHAUSTED
        contract.ended_on = paid_on
        fields += ["status", "ended_on"]
    contract.save(update_fields=fields)
