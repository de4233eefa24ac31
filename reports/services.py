"""Writes for the monthly forms: generating versions and finalising one.

INTERFACES.md § Reports, Versions: the monthly job generates the previous
month's forms as drafts; regenerating makes a new version; a chief inspector
finalises one version, which is then immutable; a later regeneration of a
finalised month is a correction version that shows what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting

from .checks import count_failed, run_checks
from .definitions import FORMS, TOTAL
from .models import FormVersion, VersionKind, VersionSource, VersionStatus
from .periods import FIRST_PERIOD
from .selectors import current_final, form_compute, report_header


class FormVersionConflict(Exception):
    """A transition the state of the month does not allow (answered with HTTP 409)."""


def _lock_form_period(*, form: str, period: date) -> None:
    """Serialise generation and finalisation of one form and month, across workers.

    A transaction-scoped advisory lock: released at commit or rollback.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"reports.formversion:{form}:{period.isoformat()}"],
        )


def _validate_request(*, form: str, period: date) -> date:
    if form not in FORMS:
        raise ValidationError({"form": _("Unknown form. Use 1-meizhm or 2-ozh.")})
    period = period.replace(day=1)
    this_month = timezone.localdate().replace(day=1)
    if period < FIRST_PERIOD or period > this_month:
        raise ValidationError(
            {"period": _("A form can be generated for a month from 2000-01 to the current one.")}
        )
    return period


def _diff(*, corrected: FormVersion, rows: list[dict], total: dict) -> dict:
    """Cell by cell: every figure that differs from the version being corrected."""
    before = {row["kato"]: row["values"] for row in corrected.rows}
    before[TOTAL] = corrected.total["values"]
    cells = []
    for key, values in [(row["kato"], row["values"]) for row in rows] + [(TOTAL, total["values"])]:
        old_values = before.get(key, {})
        for column, new in values.items():
            old = old_values.get(column)
            if old != new:
                cells.append({"row": key, "column": column, "old": old, "new": new})
    return {"corrects_version": corrected.number, "cells": cells}


@dataclass
class GenerationResult:
    version: FormVersion
    created: bool


@transaction.atomic
def form_generate(
    *,
    form: str,
    period: date,
    source: str,
    acting_user=None,
    only_if_changed: bool = False,
) -> GenerationResult:
    """Generate a new version of ``form`` for the month of ``period``.

    Numbers are 1, 2, … per form and month, assigned under a lock so that
    concurrent generations never collide. When the month already has a final
    version, the new one is a ``correction`` carrying the cell-by-cell diff
    against it. With ``only_if_changed`` (the monthly job), nothing is made
    when the latest version, or the current final one, was generated from
    the same inputs (same fingerprint).
    """
    if acting_user is not None and not acting_user.has_perm("reports.add_formversion"):
        raise PermissionDenied(_("Only a chief inspector or operations may generate forms."))
    if source not in VersionSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    period = _validate_request(form=form, period=period)
    _lock_form_period(form=form, period=period)

    computed = form_compute(form=form, period=period)
    header = report_header(on=timezone.localdate())
    fingerprint = computed.fingerprint(header)
    final = current_final(form=form, period=period)
    existing = FormVersion.objects.filter(form=form, period=period)

    if only_if_changed:
        latest = existing.order_by("-number").first()
        for candidate in (final, latest):
            if candidate is not None and candidate.fingerprint == fingerprint:
                return GenerationResult(candidate, created=False)

    checks = run_checks(
        form=form, rows=computed.rows, total=computed.total, measures=computed.measures
    )
    number = (existing.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FormVersion(
        form=form,
        period=period,
        number=number,
        status=VersionStatus.DRAFT,
        kind=VersionKind.CORRECTION if final else VersionKind.REGULAR,
        corrects=final,
        generated_at=timezone.now(),
        generated_by=acting_user,
        source=source,
        fingerprint=fingerprint,
        header=header,
        rows=computed.rows,
        total=computed.total,
        checks=checks,
        checks_failed=count_failed(checks),
        diff=_diff(corrected=final, rows=computed.rows, total=computed.total) if final else None,
    )
    version.full_clean()
    with acting(acting_user):
        version.save()
    return GenerationResult(version, created=True)


@transaction.atomic
def form_finalise(*, version: FormVersion, acting_user) -> FormVersion:
    """A chief inspector finalises one version; it is immutable from then on.

    Only one version of a form and month is final. Once a month is final, only
    a correction generated against that final version can be finalised; it
    becomes the final one and the previous final version stays stored,
    immutable, marked as superseded by it.
    """
    if acting_user is None or not acting_user.has_perm("reports.finalise_formversion"):
        raise PermissionDenied(_("Only a chief inspector may finalise a form."))
    _lock_form_period(form=version.form, period=version.period)
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_final:
        raise FormVersionConflict(
            _("Version %(number)s is already final.") % {"number": version.number}
        )
    final = current_final(form=version.form, period=version.period)
    now = timezone.now()
    if final is not None:
        if version.kind != VersionKind.CORRECTION or version.corrects_id != final.pk:
            raise FormVersionConflict(
                _(
                    "Version %(final)s is already final for this month. Generate a new version "
                    "(a correction of version %(final)s) and finalise that one."
                )
                % {"final": final.number}
            )
    with acting(acting_user):
        if final is not None:
            final.superseded_by = version
            final.superseded_at = now
            final.save(update_fields=["superseded_by", "superseded_at", "updated_at"])
        version.status = VersionStatus.FINAL
        version.finalised_at = now
        version.finalised_by = acting_user
        version.full_clean()
        version.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    return version
