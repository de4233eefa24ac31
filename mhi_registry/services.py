"""Writes of the MHI registry other than feeds: manual inclusions (M6), failure windows (M7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.models import KnpCode

from . import engine, store
from .models import (
    CategoryPeriod,
    DocumentKind,
    FailureWindow,
    InclusionDocument,
    InclusionGroup,
    ManualInclusion,
    Payment,
    RequiredDocument,
)
from .selectors import iin_error


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def missing_documents(group: str, kinds: set[str]) -> list[str]:
    """The requirements of ``group`` (admins' table) not met by the presented kinds."""
    slots: dict[int, list[DocumentKind]] = {}
    for req in RequiredDocument.objects.filter(group=group).select_related("kind"):
        slots.setdefault(req.slot, []).append(req.kind)
    missing = []
    for _slot, alternatives in sorted(slots.items()):
        if not any(k.code in kinds for k in alternatives):
            names = [str(k.name) for k in alternatives]
            missing.append(
                names[0]
                if len(names) == 1
                else _("one of: %(kinds)s") % {"kinds": "; ".join(names)}
            )
    return missing


@transaction.atomic
def include_manually(
    *,
    iin: Any,
    group: Any,
    application_date: Any,
    documents: Any,
    operator,
    entered_on: dt.date | None = None,
) -> ManualInclusion:
    """M6 (seed 004 cl. 21 items 1-13, cl. 57): include a person for one month from the
    application date when they present every required document and the Fund's data
    do not already show them in the claimed category on that date.

    All errors of the call are raised together, by field path.
    """
    errors: dict[str, list[str]] = {}
    if (message := iin_error(iin)) is not None:
        errors["iin"] = [message]
    if group not in InclusionGroup.values:
        errors["group"] = [
            _("Unknown group; one of %(groups)s.") % {"groups": ", ".join(InclusionGroup.values)}
        ]
    applied = _parse_date(application_date)
    if applied is None:
        errors["application_date"] = [_("A date (YYYY-MM-DD) is required.")]
    if not isinstance(documents, list):
        errors["documents"] = [_("A list of documents is required.")]
        documents = []
    known_kinds = set(DocumentKind.objects.values_list("code", flat=True))
    cleaned: list[tuple[str, str, dt.date]] = []
    for n, doc in enumerate(documents):
        doc = doc if isinstance(doc, dict) else {}
        kind, number = doc.get("kind"), str(doc.get("number") or "").strip()
        issued = _parse_date(doc.get("issued_on"))
        if kind not in known_kinds:
            errors[f"documents[{n}].kind"] = [
                _("Unknown document kind; one of %(kinds)s.")
                % {"kinds": ", ".join(sorted(known_kinds))}
            ]
        if not number:
            errors[f"documents[{n}].number"] = [_("The document number is required.")]
        if issued is None:
            errors[f"documents[{n}].issued_on"] = [_("A date (YYYY-MM-DD) is required.")]
        elif applied is not None and issued > applied:
            errors[f"documents[{n}].issued_on"] = [
                _("The document was issued after the application date.")
            ]
        if kind in known_kinds and number and issued is not None:
            cleaned.append((kind, number[:64], issued))
    if "group" not in errors:
        missing = missing_documents(group, {k for k, _n, _i in cleaned})
        if missing:
            errors.setdefault("documents", []).extend(
                _("Missing document: %(document)s.") % {"document": m} for m in missing
            )
    if not errors and group in engine.CATEGORIES:
        # Refused when the data known on the application date already show the category.
        shown = [
            f
            for f in engine.in_force(
                (
                    engine.CategoryFact(
                        c.category,
                        c.assigned_on,
                        c.removed_on,
                        c.removal_reason,
                        c.delivered_on,
                        c.version,
                    )
                    for c in CategoryPeriod.objects.filter(iin=iin, category=group)
                ),
                applied,
            )
            if f.assigned_on <= applied < (f.removed_on or engine.OPEN)
        ]
        if shown:
            errors["group"] = [
                _("The Fund's data already show this person in category %(category)s on %(day)s.")
                % {"category": group, "day": applied.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    inclusion = ManualInclusion.objects.create(
        iin=iin,
        group=group,
        application_date=applied,
        delivered_on=entered_on or store.today(),
        operator=operator,
    )
    InclusionDocument.objects.bulk_create(
        InclusionDocument(inclusion=inclusion, kind_id=k, number=num, issued_on=i)
        for k, num, i in cleaned
    )
    transaction.on_commit(lambda: store.refresh_people([iin]))
    return inclusion


@transaction.atomic
def declare_failure(
    *,
    starts_on: dt.date,
    ends_on: dt.date | None,
    declared_by,
    note: str = "",
    window: int | None = None,
    declared_on: dt.date | None = None,
) -> FailureWindow:
    """M7 (cl. 13): declare a technical-failure window, or end/correct one (a new version).

    Everybody may be affected, so the whole store is rebuilt after it commits.
    """
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": [_("The end must be after the start.")]})
    if window is None:
        window = (FailureWindow.objects.aggregate(m=Max("window"))["m"] or 0) + 1
        version = 1
    else:
        last = FailureWindow.objects.filter(window=window).aggregate(m=Max("version"))["m"]
        if last is None:
            raise ValidationError({"window": [_("No such failure window.")]})
        version = last + 1
    created = FailureWindow.objects.create(
        window=window,
        version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        delivered_on=declared_on or store.today(),
        declared_by=declared_by,
    )

    def rebuild() -> None:
        from .tasks import rebuild_status_store

        rebuild_status_store.delay()

    transaction.on_commit(rebuild, robust=True)
    return created


def queue_knp_payers(knp: KnpCode | str) -> int:
    """A КНП added or changed: the people with payments under it are queued for a refresh
    (FEEDS.md, ``mhi_payments``), in one statement however many they are; returns how many
    were queued that were not already."""
    code = knp.code if isinstance(knp, KnpCode) else knp
    payments = connection.ops.quote_name(Payment._meta.db_table)
    with connection.cursor() as cursor:
        return store.queue_people(cursor, f"SELECT iin FROM {payments} WHERE knp = %s", [code])
