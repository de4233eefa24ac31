"""Reads of inspections and accidents, scoped by role (INTERFACES.md § Who uses what).

An inspector sees the records of their own region only; chief inspectors and
administrators see every region; other roles see nothing. Querysets carry the
joins and prefetches their pages and serializers need, so a list costs a fixed
number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from .filters import AccidentFilterSet, InspectionFilterSet
from .models import Accident, Inspection, Investigation
from .permissions import fixed_region_code, may_use_inspection
from .shapes import ACCIDENT, INSPECTION, INVESTIGATION, RecordShape


def _visible(queryset: QuerySet, user, filterset, filters: Mapping[str, Any] | None) -> QuerySet:
    """What the user may see of ``queryset``, optionally filtered by ``filterset``."""
    if not may_use_inspection(user):
        return queryset.none()
    region_code = fixed_region_code(user)
    if region_code is not None:
        queryset = queryset.filter(region_id=region_code)
    return filterset(filters, queryset=queryset).qs if filters else queryset


def _children(shape: RecordShape, prefix: str = "") -> list[Prefetch]:
    """Every child list of the shape, in the order they were entered."""
    return [
        Prefetch(prefix + spec.related, queryset=spec.model.objects.order_by("id"))
        for spec in shape.children
    ]


def inspection_queryset() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("region").prefetch_related(*_children(INSPECTION))


def inspection_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Inspection]:
    """Inspections the user may see, optionally filtered (see ``InspectionFilterSet``)."""
    return _visible(inspection_queryset(), user, InspectionFilterSet, filters)


def inspection_get(*, user, pk: int) -> Inspection | None:
    """One inspection the user may see; None when it does not exist or is out of scope."""
    return inspection_list(user=user).filter(pk=pk).first()


def accident_queryset() -> QuerySet[Accident]:
    return Accident.objects.select_related(
        "region", "investigation", "investigation__region"
    ).prefetch_related(*_children(ACCIDENT), *_children(INVESTIGATION, "investigation__"))


def accident_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Accident]:
    """Accidents the user may see, optionally filtered (see ``AccidentFilterSet``)."""
    return _visible(accident_queryset(), user, AccidentFilterSet, filters)


def accident_get(*, user, pk: int) -> Accident | None:
    return accident_list(user=user).filter(pk=pk).first()


def investigation_of(accident: Accident) -> Investigation | None:
    """The accident's investigation, or None (reads the joined row when selected)."""
    try:
        return accident.investigation
    except Investigation.DoesNotExist:
        return None
