"""Reads of annuities, scoped like the voluntary contracts they come from."""

from __future__ import annotations

from django.db.models import QuerySet

from insurance.selectors import insurer_scope

from .models import AnnuityContract


def annuity_queryset() -> QuerySet[AnnuityContract]:
    return AnnuityContract.objects.select_related(
        "insurer", "claim__event__contract"
    ).prefetch_related("payments", "recertifications")


def annuity_list(*, user) -> QuerySet[AnnuityContract]:
    allowed, insurer = insurer_scope(user)
    if not allowed:
        return AnnuityContract.objects.none()
    queryset = annuity_queryset()
    return queryset.filter(insurer=insurer) if insurer is not None else queryset
