"""Reads of voluntary insurance, scoped by role (INTERFACES.md § Who uses what).

An insurer sees only its own records (its organisation); chief inspectors and
administrators see all; other roles nothing. Querysets carry the joins their
serializers need.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.models import Role
from core.roles import role_of, user_organisation

from .models import Claim, InsuredEvent, Payout, VoluntaryContract

READ_ALL_ROLES = (Role.CHIEF_INSPECTOR, Role.ADMIN)


def insurer_scope(user):
    """(may read, the insurer to restrict to or None for all)."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return True, None
    if role == Role.INSURER:
        return True, user_organisation(user)
    return False, None


def _scoped(queryset: QuerySet, user, path: str) -> QuerySet:
    allowed, insurer = insurer_scope(user)
    if not allowed:
        return queryset.none()
    if insurer is not None:
        return queryset.filter(**{path: insurer})
    return queryset


def contract_queryset() -> QuerySet[VoluntaryContract]:
    return VoluntaryContract.objects.select_related("insurer", "rules", "region").prefetch_related(
        "insuredpersons",
        "beneficiarys",
        "branchs",
        "premiuminstalments",
        "premiumpayments",
        "supplementaryagreements",
        "duplicateissues",
    )


def contract_list(*, user) -> QuerySet[VoluntaryContract]:
    return _scoped(contract_queryset(), user, "insurer")


def event_list(*, user) -> QuerySet[InsuredEvent]:
    return _scoped(
        InsuredEvent.objects.select_related("contract__insurer"), user, "contract__insurer"
    )


def claim_queryset() -> QuerySet[Claim]:
    return Claim.objects.select_related(
        "event__contract__insurer", "event__contract__rules", "decision"
    ).prefetch_related(
        "documents",
        "missing_notices",
        "shortfall_duties",
        "decision__appeals",
        Prefetch("payouts", queryset=Payout.objects.prefetch_related("recoveries")),
    )


def claim_list(*, user) -> QuerySet[Claim]:
    return _scoped(claim_queryset(), user, "event__contract__insurer")


def payout_list(*, user) -> QuerySet[Payout]:
    return _scoped(
        Payout.objects.select_related("claim__event__contract__insurer"),
        user,
        "claim__event__contract__insurer",
    )
