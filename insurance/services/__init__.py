"""Writes of voluntary insurance: one module per part of the story."""

from .claims import (
    appeal_record,
    claim_add_documents,
    claim_create,
    decision_record,
    event_create,
    missing_documents_notify,
)
from .contracts import (
    agreement_record,
    contract_create,
    duplicate_issue,
    overdue_instalments,
    premium_payment_record,
    reduce_remaining_sum,
)
from .payouts import (
    expenses_cap,
    payout_record,
    recovery_record,
    shortfall_paid,
    shortfall_record,
)

__all__ = [
    "agreement_record",
    "appeal_record",
    "claim_add_documents",
    "claim_create",
    "contract_create",
    "decision_record",
    "duplicate_issue",
    "event_create",
    "expenses_cap",
    "missing_documents_notify",
    "overdue_instalments",
    "payout_record",
    "premium_payment_record",
    "recovery_record",
    "reduce_remaining_sum",
    "shortfall_paid",
    "shortfall_record",
]
