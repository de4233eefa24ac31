"""Voluntary accident insurance (seed 001, DOMAIN.md §2): rules sets, contracts,
premium payments, insured events, claims, decisions and payouts."""

from .claims import (
    Appeal,
    Claim,
    ClaimDocument,
    Decision,
    DecisionKind,
    DocumentKind,
    MissingDocumentsNotice,
    Payout,
    Recovery,
    ShortfallDuty,
)
from .contracts import (
    Beneficiary,
    Branch,
    ContractStatus,
    DuplicateIssue,
    InsuredPerson,
    PremiumInstalment,
    PremiumPayment,
    SignatoryBasis,
    SupplementaryAgreement,
    VoluntaryContract,
)
from .events import Circumstance, InsuredEvent
from .rules import RulesSet

__all__ = [
    "Appeal",
    "Beneficiary",
    "Branch",
    "Circumstance",
    "Claim",
    "ClaimDocument",
    "ContractStatus",
    "Decision",
    "DecisionKind",
    "DuplicateIssue",
    "DocumentKind",
    "InsuredEvent",
    "InsuredPerson",
    "MissingDocumentsNotice",
    "Payout",
    "PremiumInstalment",
    "PremiumPayment",
    "Recovery",
    "RulesSet",
    "ShortfallDuty",
    "SignatoryBasis",
    "SupplementaryAgreement",
    "VoluntaryContract",
]
