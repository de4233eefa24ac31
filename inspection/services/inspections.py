"""Writes of an inspection with everything it produced (INTERFACES.md § Inspection)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting
from core.errors import FieldErrors

from ..models import Inspection
from ..permissions import ensure_may_write_region
from ..shapes import INSPECTION
from . import records
from .children import Anchor, checked_list, full_clean, is_date, save_list, validate_constraints

# Set as given; region and the subject's identifiers have rules of their own.
PLAIN_FIELDS = tuple(
    name for name in INSPECTION.names if name not in ("region", "subject_bin", "subject_iin")
)


@transaction.atomic
def inspection_create(*, acting_user: AbstractBaseUser, **data: Any) -> Inspection:
    """Record an inspection with everything it produced (INTERFACES.md § Inspection).

    ``data`` holds the fields and child lists of ``shapes.INSPECTION``: ``region``,
    ``kind`` and ``started_on`` are required. The region must be the acting
    inspector's own (a chief inspector may use any); the subject is exactly one of
    a BIN or an IIN with a valid check digit; the inspection cannot be completed
    before it started and none of its records (violations, orders, fines,
    suspensions, removals, referrals, criminal cases) is dated before its start.
    Without ``completed_on`` it is in progress and 1-МЕИЖМ columns 2-4 do not
    count it yet.
    """
    records.check_keys(INSPECTION, data, create=True)
    inspection = Inspection(created_by=acting_user)
    return _inspection_write(inspection=inspection, acting_user=acting_user, changes=data)


@transaction.atomic
def inspection_update(
    *, inspection: Inspection, acting_user: AbstractBaseUser, **changes: Any
) -> Inspection:
    """Correct an inspection: only the fields given change; child lists given replace.

    The same rules as ``inspection_create``; the stored record's region must also be
    the acting inspector's own. Setting one of ``subject_bin`` / ``subject_iin``
    without mentioning the other clears the other.
    """
    records.check_keys(INSPECTION, changes, create=False)
    ensure_may_write_region(acting_user, inspection.region_id)
    records.lock(inspection)
    return _inspection_write(inspection=inspection, acting_user=acting_user, changes=changes)


def _set_subject(inspection: Inspection, changes: dict[str, Any]) -> None:
    """Exactly one of BIN and IIN: giving one alone clears the other."""
    records.set_fields(inspection, ("subject_bin", "subject_iin"), changes)
    if inspection.subject_bin and "subject_bin" in changes and "subject_iin" not in changes:
        inspection.subject_iin = None
    if inspection.subject_iin and "subject_iin" in changes and "subject_bin" not in changes:
        inspection.subject_bin = None


def _inspection_write(
    *, inspection: Inspection, acting_user: AbstractBaseUser, changes: dict[str, Any]
) -> Inspection:
    errors = FieldErrors()
    clean_exclude: list[str] = []

    if "region" in changes:
        region = records.region(changes["region"], "region", errors)
        if region is None:
            clean_exclude.append("region")
        else:
            ensure_may_write_region(acting_user, region.code)
            inspection.region = region
    _set_subject(inspection, changes)
    records.set_fields(inspection, PLAIN_FIELDS, changes)
    inspection.subject_name = inspection.subject_name or ""
    inspection.updated_by = acting_user
    full_clean(inspection, clean_exclude, "", errors)

    if not inspection.subject_bin and not inspection.subject_iin:
        errors.add("subject_bin", _("Give the subject's BIN or IIN."))
    elif inspection.subject_bin and inspection.subject_iin:
        errors.add("subject_iin", _("Give either a BIN or an IIN, not both."))

    started_on, completed_on = inspection.started_on, inspection.completed_on
    if is_date(started_on) and is_date(completed_on) and completed_on < started_on:
        errors.add("completed_on", _("An inspection cannot be completed before it started."))

    anchor = Anchor.at(
        started_on, _("Cannot be earlier than the start of the inspection (%(date)s).")
    )
    lists = [
        checked_list(spec, spec.key, inspection, changes.get(spec.key), anchor, errors)
        for spec in INSPECTION.children
    ]
    errors.raise_if_any()

    validate_constraints(
        [("", inspection, clean_exclude)]
        + [row for merged in lists for row in merged.to_validate()],
        errors,
    )
    with acting(acting_user):
        inspection.save()
        for merged in lists:
            save_list(merged, "inspection", inspection)
    return inspection
