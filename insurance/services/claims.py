"""Insured events, claims, missing-document notices, decisions and appeals
(seed 001 ch. 4, 6-8; cl. 15-16, 23.4, 25.4, 27-29, 41-46, 61).

Deadline breaches are facts: a late notice or a late decision is stored with
its due date and flagged, never refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Organisation
from core.validators import is_valid_iin_bin

from ..models import (
    Appeal,
    Circumstance,
    Claim,
    ClaimDocument,
    ContractStatus,
    Decision,
    DecisionKind,
    DocumentKind,
    InsuredEvent,
    MissingDocumentsNotice,
    VoluntaryContract,
)
from ..models.claims import AppealBody, ClaimStatus, PaymentMethod
from . import deadlines
from .errors import Errors, clause

# Cl. 41-44: the grounds of a refusal (41, 43, 44) and of a release (42).
REFUSAL_GROUNDS = frozenset(
    ["41.1", "41.2"] + [f"43.{i}" for i in range(1, 8)] + [f"44.{i}" for i in range(1, 6)]
)
RELEASE_GROUNDS = frozenset(["42.1", "42.2", "42.3"])


def own_contract(insurer: Organisation | None, contract_id, errors: Errors, path="contract"):
    """The caller's contract, or an error that does not tell whether another's exists."""
    queryset = VoluntaryContract.objects.select_related("rules")
    if insurer is not None:
        queryset = queryset.filter(insurer=insurer)
    contract = queryset.filter(pk=contract_id).first() if contract_id else None
    if contract is None:
        errors.add(path, _("No such contract."))
    return contract


@transaction.atomic
def event_create(
    *,
    insurer: Organisation | None,
    contract: int,
    insured_iin: str,
    occurred_on: dt.date,
    notified_on: dt.date,
    circumstance: str,
    learned_on: dt.date | None = None,
    insured_name: str = "",
    description: str = "",
    accident_act_number: str = "",
    accident_act_on: dt.date | None = None,
    special_investigation_required: bool = False,
    special_investigation_act_number: str = "",
    special_investigation_act_on: dt.date | None = None,
    acting_user=None,
) -> InsuredEvent:
    """Record an accident reported under a contract.

    Cl. 15: one of six circumstances. Cl. 16, 57: confirmed by the accident act
    and, where the law requires one, the special investigation act. Cl. 25.4:
    the policyholder notifies within 3 working days of learning of the accident;
    ``notice_due_on`` is computed here and a late notice is stored, flagged.
    """
    errors = Errors()
    contract_obj = own_contract(insurer, contract, errors)
    learned_on = learned_on or occurred_on
    if not is_valid_iin_bin(insured_iin):
        errors.add("insured_iin", _("Not a valid 12-digit IIN (check digit)."))
    if circumstance not in Circumstance.values:
        errors.add(
            "circumstance",
            clause("15", _("One of %(values)s.") % {"values": ", ".join(Circumstance.values)}),
        )
    if learned_on < occurred_on:
        errors.add("learned_on", _("Cannot be before the accident."))
    if notified_on < occurred_on:
        errors.add("notified_on", _("Cannot be before the accident."))
    if contract_obj is not None:
        if contract_obj.starts_on is None or not (
            contract_obj.starts_on <= occurred_on <= contract_obj.ends_on
        ):
            errors.add(
                "occurred_on",
                clause(
                    "13",
                    _("The accident is outside the contract's cover (%(s)s to %(e)s).")
                    % {"s": contract_obj.starts_on or "—", "e": contract_obj.ends_on},
                ),
            )
    if special_investigation_act_number and not special_investigation_required:
        special_investigation_required = True
    errors.raise_if_any()
    due = deadlines.notice_due_on(contract_obj.rules, learned_on)
    return InsuredEvent.objects.create(
        contract=contract_obj,
        insured_iin=insured_iin,
        insured_name=insured_name,
        occurred_on=occurred_on,
        learned_on=learned_on,
        circumstance=circumstance,
        description=description,
        notified_on=notified_on,
        notice_due_on=due,
        notice_late=notified_on > due,
        accident_act_number=accident_act_number,
        accident_act_on=accident_act_on,
        special_investigation_required=special_investigation_required,
        special_investigation_act_number=special_investigation_act_number,
        special_investigation_act_on=special_investigation_act_on,
        created_by=acting_user,
    )


def _receipt_number(event: InsuredEvent) -> str:
    contract = event.contract
    count = Claim.objects.filter(event__contract=contract).count() + 1
    return f"{contract.series}{contract.number}-{count:03d}"


def _check_documents(documents: Sequence[dict], errors: Errors, path="documents") -> None:
    seen = set()
    for i, doc in enumerate(documents):
        kind = doc.get("kind")
        if kind not in DocumentKind.values:
            errors.add(f"{path}[{i}].kind", clause("28", _("Unknown document kind.")))
        if kind in seen:
            errors.add(f"{path}[{i}].kind", _("Listed twice."))
        seen.add(kind)


@transaction.atomic
def claim_create(
    *,
    insurer: Organisation | None,
    event: int,
    degree_percent: int,
    degree_set_on: dt.date,
    degree_until: dt.date,
    beneficiary: dict,
    documents: Sequence[dict],
    certifying_body: str = "",
    receipt_acknowledged_on: dt.date | None = None,
    acting_user=None,
) -> Claim:
    """Record a claim with its documents and issue the receipt.

    Cl. 27: the beneficiary's residence, phones, bank details and how to be paid.
    Cl. 28: the documents the case needs, each with its date of receipt; the
    latest is ``all_documents_on``. Cl. 29: a receipt in two copies listing the
    documents and the date. Cl. 46: the decision is due 7 working days after
    ``all_documents_on``. Cl. 3.6-3.8: a degree outside 5-29 % is stored but
    is not an insured event (no payout or annuity may follow).
    """
    errors = Errors()
    queryset = InsuredEvent.objects.select_related("contract", "contract__rules")
    if insurer is not None:
        queryset = queryset.filter(contract__insurer=insurer)
    event_obj = queryset.filter(pk=event).first()
    if event_obj is None:
        errors.add("event", _("No such insured event."))
    if degree_percent is None or not 0 <= degree_percent <= 100:
        errors.add("degree_percent", _("A percentage 0 to 100."))
    if degree_until <= degree_set_on:
        errors.add("degree_until", clause("53", _("The degree's period must end after it is set.")))
    for key in ("iin", "full_name", "address", "phone", "bank_account"):
        if not beneficiary.get(key):
            errors.add(f"beneficiary.{key}", clause("27", _("Required.")))
    if beneficiary.get("iin") and not is_valid_iin_bin(beneficiary["iin"]):
        errors.add("beneficiary.iin", _("Not a valid 12-digit IIN (check digit)."))
    method = beneficiary.get("payment_method") or PaymentMethod.BANK_TRANSFER
    if method not in PaymentMethod.values:
        errors.add("beneficiary.payment_method", clause("27", _("Payment by bank transfer.")))
    if not documents:
        errors.add("documents", clause("28", _("List the documents received.")))
    _check_documents(documents, errors)
    errors.raise_if_any()
    rules = event_obj.contract.rules
    all_on = max(d["received_on"] for d in documents)
    first_on = min(d["received_on"] for d in documents)
    claim = Claim.objects.create(
        event=event_obj,
        degree_percent=degree_percent,
        degree_set_on=degree_set_on,
        degree_until=degree_until,
        certifying_body=certifying_body,
        beneficiary_iin=beneficiary["iin"],
        beneficiary_name=beneficiary["full_name"],
        beneficiary_address=beneficiary["address"],
        beneficiary_phone=beneficiary["phone"],
        beneficiary_bank_account=beneficiary["bank_account"],
        payment_method=method,
        insured_degree=rules.degree_insured(degree_percent),
        all_documents_on=all_on,
        decision_due_on=deadlines.decision_due_on(rules, all_on),
        receipt_number=_receipt_number(event_obj),
        receipt_issued_on=first_on,
        receipt_acknowledged_on=receipt_acknowledged_on,
        created_by=acting_user,
    )
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, kind=d["kind"], received_on=d["received_on"]) for d in documents
    )
    return claim


@transaction.atomic
def claim_add_documents(*, claim: Claim, documents: Sequence[dict], acting_user=None) -> Claim:
    """Cl. 28: the insurer may add documents later; the decision's 7 working days
    then run from the latest one (cl. 46). Not after the decision."""
    claim = (
        Claim.objects.select_for_update().select_related("event__contract__rules").get(pk=claim.pk)
    )
    errors = Errors()
    if hasattr(claim, "decision"):
        errors.add("documents", _("The claim is already decided."))
    _check_documents(documents, errors)
    existing = set(claim.documents.values_list("kind", flat=True))
    for i, doc in enumerate(documents):
        if doc.get("kind") in existing:
            errors.add(f"documents[{i}].kind", _("Already received."))
    errors.raise_if_any()
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, kind=d["kind"], received_on=d["received_on"]) for d in documents
    )
    claim.all_documents_on = max([claim.all_documents_on, *(d["received_on"] for d in documents)])
    claim.decision_due_on = deadlines.decision_due_on(
        claim.event.contract.rules, claim.all_documents_on
    )
    claim.save(update_fields=["all_documents_on", "decision_due_on", "updated_at"])
    return claim


@transaction.atomic
def missing_documents_notify(
    *, claim: Claim, kinds: Sequence[str], sent_on: dt.date, acting_user=None
) -> MissingDocumentsNotice:
    """Cl. 9.11: the policyholder is told which documents are missing within the
    term the contract states, counted from the first documents received."""
    errors = Errors()
    if not kinds:
        errors.add("kinds", clause("9.11", _("List the missing documents.")))
    for i, kind in enumerate(kinds):
        if kind not in DocumentKind.values:
            errors.add(f"kinds[{i}]", clause("28", _("Unknown document kind.")))
    errors.raise_if_any()
    contract = claim.event.contract
    due = deadlines.missing_documents_due_on(
        contract.missing_documents_notice_working_days, claim.receipt_issued_on
    )
    return MissingDocumentsNotice.objects.create(
        claim=claim,
        kinds=list(kinds),
        first_received_on=claim.receipt_issued_on,
        due_on=due,
        sent_on=sent_on,
        late=sent_on > due,
        created_by=acting_user,
    )


@transaction.atomic
def decision_record(
    *,
    claim: Claim,
    decision: str,
    decided_on: dt.date,
    grounds: Sequence[str] = (),
    reason_text: str = "",
    acting_user=None,
) -> Decision:
    """Record the insurer's decision on a claim.

    Cl. 23.4, 46: within 7 working days of all documents, a refusal in writing
    with its reasons (a late decision is stored, flagged). Cl. 24.5, 41: refuse
    fully or partly, or reduce, on grounds of cl. 41, 43 or 44; cl. 42: release
    on its grounds. Every decision but ``pay`` names at least one ground and a
    reasoned text. Cl. 3.6-3.8: a degree outside the rules' range cannot be paid.
    """
    claim = (
        Claim.objects.select_for_update().select_related("event__contract__rules").get(pk=claim.pk)
    )
    errors = Errors()
    if Decision.objects.filter(claim=claim).exists():
        errors.add("decision", _("The claim is already decided; record an appeal instead."))
    if decision not in DecisionKind.values:
        errors.add("decision", _("One of %(v)s.") % {"v": ", ".join(DecisionKind.values)})
    grounds = list(dict.fromkeys(grounds or ()))
    if decision == DecisionKind.PAY:
        if grounds:
            errors.add("grounds", _("A decision to pay has no refusal grounds."))
        if not claim.insured_degree:
            rules = claim.event.contract.rules
            errors.add(
                "decision",
                clause(
                    "3.6",
                    _("A degree of %(d)s %% is outside %(lo)s-%(hi)s %%: not an insured event.")
                    % {
                        "d": claim.degree_percent,
                        "lo": rules.degree_min_percent,
                        "hi": rules.degree_max_percent,
                    },
                ),
            )
    elif decision in DecisionKind.values:
        allowed = RELEASE_GROUNDS if decision == DecisionKind.RELEASE else REFUSAL_GROUNDS
        where = "42" if decision == DecisionKind.RELEASE else "41, 43, 44"
        if not grounds:
            errors.add(
                "grounds",
                clause("41-44", _("A refusal, reduction or release names at least one ground.")),
            )
        for i, ground in enumerate(grounds):
            if ground not in allowed:
                errors.add(
                    f"grounds[{i}]",
                    _("%(g)s is not a ground of cl. %(where)s.") % {"g": ground, "where": where},
                )
        if not (reason_text or "").strip():
            errors.add("reason_text", clause("23.4", _("A refusal states its reasons in writing.")))
    if decided_on < claim.receipt_issued_on:
        errors.add("decided_on", _("Cannot be before the claim was received."))
    errors.raise_if_any()
    stored = Decision.objects.create(
        claim=claim,
        decision=decision,
        decided_on=decided_on,
        due_on=claim.decision_due_on,
        late=decided_on > claim.decision_due_on,
        grounds=grounds,
        reason_text=reason_text or "",
        created_by=acting_user,
    )
    claim.status = ClaimStatus.DECIDED
    claim.save(update_fields=["status", "updated_at"])
    return stored


@transaction.atomic
def appeal_record(
    *,
    decision: Decision,
    body: str,
    filed_on: dt.date,
    outcome: str = "",
    resolved_on: dt.date | None = None,
    acting_user=None,
) -> Appeal:
    """Cl. 24.5, 26.3, 61: a decision disputed before the authorised body or a court
    (after negotiation)."""
    errors = Errors()
    if body not in AppealBody.values:
        errors.add("body", _("One of %(v)s.") % {"v": ", ".join(AppealBody.values)})
    if filed_on < decision.decided_on:
        errors.add("filed_on", _("Cannot be before the decision."))
    if resolved_on and resolved_on < filed_on:
        errors.add("resolved_on", _("Cannot be before the appeal was filed."))
    errors.raise_if_any()
    return Appeal.objects.create(
        decision=decision,
        body=body,
        filed_on=filed_on,
        outcome=outcome,
        resolved_on=resolved_on,
        created_by=acting_user,
    )


def contract_is_open(contract: VoluntaryContract) -> bool:
    return contract.status in (ContractStatus.IN_FORCE, ContractStatus.AWAITING_PREMIUM)


__all__ = [
    "appeal_record",
    "claim_add_documents",
    "claim_create",
    "decision_record",
    "event_create",
    "missing_documents_notify",
]
