"""Writes of inspections and accidents (INTERFACES.md § Inspection; seed 003, forms
1-МЕИЖМ and 2-ӨЖ).

The REST API, the inspectors' pages and the demo data all write through these
functions. A rule violation raises ``ValidationError`` keyed by field path
(``"started_on"``, ``"violations[1].eliminated_on"``,
``"investigation.referrals[0].sent_on"``); all errors of one call are reported
together. Writing outside one's region raises ``PermissionDenied``. A call that
fails writes nothing.

Child lists (violations, orders, ... victims) given to an update replace the
stored list: an item with an ``id`` edits that record (only the keys given),
an item without one is created, and stored records not listed are deleted. A
list not given is left as it is.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, Unpack

import pghistory
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Region
from core.validators import implausible_dates

from .models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionOrder,
    Investigation,
    Referral,
    Removal,
    Suspension,
    Victim,
    Violation,
)
from .permissions import ensure_may_write_region

KATO_RE = re.compile(r"[0-9]{9}")
REGION_CODE_RE = re.compile(r"[0-9]{2}")


class ViolationData(TypedDict, total=False):
    id: int
    description: str
    detected_on: datetime.date
    eliminated_on: datetime.date | None


class OrderData(TypedDict, total=False):
    id: int
    number: str
    issued_on: datetime.date
    due_on: datetime.date | None


class FineData(TypedDict, total=False):
    id: int
    imposed_on: datetime.date
    amount_kzt: Decimal


class SuspensionData(TypedDict, total=False):
    id: int
    kind: str
    suspended_on: datetime.date


class RemovalData(TypedDict, total=False):
    id: int
    removed_on: datetime.date
    workers: int


class ReferralData(TypedDict, total=False):
    id: int
    sent_on: datetime.date


class CriminalCaseData(TypedDict, total=False):
    id: int
    opened_on: datetime.date
    persons_prosecuted: int | None
    prosecuted_on: datetime.date | None


class VictimData(TypedDict, total=False):
    id: int
    iin: str | None
    full_name: str
    outcome: str


class InvestigationData(TypedDict, total=False):
    region: str
    by_state_inspector: bool
    completed_on: datetime.date | None
    referrals: Sequence[ReferralData]
    criminal_cases: Sequence[CriminalCaseData]


class InspectionChanges(TypedDict, total=False):
    region: str
    subject_bin: str | None
    subject_iin: str | None
    subject_name: str
    kind: str
    started_on: datetime.date
    completed_on: datetime.date | None
    violations: Sequence[ViolationData]
    orders: Sequence[OrderData]
    fines: Sequence[FineData]
    suspensions: Sequence[SuspensionData]
    removals: Sequence[RemovalData]
    referrals: Sequence[ReferralData]
    criminal_cases: Sequence[CriminalCaseData]


class AccidentChanges(TypedDict, total=False):
    kato: str
    occurred_on: datetime.date
    employer_bin: str
    employer_name: str
    description: str
    victims: Sequence[VictimData]
    investigation: InvestigationData | None


# --- errors -------------------------------------------------------------------------


class _Errors:
    """Messages collected by field path, raised together as one ``ValidationError``."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: Any) -> None:
        self.messages.setdefault(path, []).append(str(message))

    def add_exception(self, prefix: str, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            if field == NON_FIELD_ERRORS:
                path = f"{prefix}.non_field_errors" if prefix else NON_FIELD_ERRORS
            else:
                path = f"{prefix}.{field}" if prefix else field
            for message in messages:
                self.add(path, message)

    def has(self, path: str) -> bool:
        return path in self.messages

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _is_date(value: object) -> bool:
    return isinstance(value, datetime.date)


# --- child lists --------------------------------------------------------------------


def _check_criminal_case(case: CriminalCase, path: str, errors: _Errors) -> None:
    """Persons prosecuted and the date of prosecution go together (1-МЕИЖМ column 17)."""
    persons, prosecuted_on = case.persons_prosecuted, case.prosecuted_on
    if persons is None and prosecuted_on is not None:
        errors.add(
            _join(path, "persons_prosecuted"),
            _("Give the number of persons prosecuted together with the date of prosecution."),
        )
    if prosecuted_on is None and persons is not None:
        errors.add(
            _join(path, "prosecuted_on"),
            _("Give the date of prosecution together with the number of persons prosecuted."),
        )
    if (
        isinstance(persons, int)
        and persons < 1
        and not errors.has(_join(path, "persons_prosecuted"))
    ):
        errors.add(_join(path, "persons_prosecuted"), _("At least one person."))


@dataclass(frozen=True)
class _ChildList:
    key: str  # input key and error prefix
    model: type[models.Model]
    fields: tuple[str, ...]
    related: str  # reverse accessor on the parent
    parent_fields: tuple[str, ...]  # foreign keys to parents, set when saving
    anchored: tuple[str, ...] = ()  # dates that may not precede the parent's anchor date
    ordered: tuple[tuple[str, str, Any], ...] = ()  # (later, earlier, message)
    extra_check: Callable[[Any, str, _Errors], None] | None = None


VIOLATIONS = _ChildList(
    "violations",
    Violation,
    ("description", "detected_on", "eliminated_on"),
    "violations",
    ("inspection",),
    anchored=("detected_on",),
    ordered=(
        (
            "eliminated_on",
            "detected_on",
            gettext_lazy("A violation cannot be eliminated before it was detected."),
        ),
    ),
)
ORDERS = _ChildList(
    "orders",
    InspectionOrder,
    ("number", "issued_on", "due_on"),
    "orders",
    ("inspection",),
    anchored=("issued_on",),
    ordered=(("due_on", "issued_on", gettext_lazy("The due date cannot precede the issue date.")),),
)
FINES = _ChildList(
    "fines", Fine, ("imposed_on", "amount_kzt"), "fines", ("inspection",), anchored=("imposed_on",)
)
SUSPENSIONS = _ChildList(
    "suspensions",
    Suspension,
    ("kind", "suspended_on"),
    "suspensions",
    ("inspection",),
    anchored=("suspended_on",),
)
REMOVALS = _ChildList(
    "removals", Removal, ("removed_on", "workers"), "removals", ("inspection",), ("removed_on",)
)
REFERRALS = _ChildList(
    "referrals",
    Referral,
    ("sent_on",),
    "referrals",
    ("inspection", "investigation"),
    anchored=("sent_on",),
)
CRIMINAL_CASES = _ChildList(
    "criminal_cases",
    CriminalCase,
    ("opened_on", "persons_prosecuted", "prosecuted_on"),
    "criminalcases",
    ("inspection", "investigation"),
    anchored=("opened_on",),
    ordered=(
        (
            "prosecuted_on",
            "opened_on",
            gettext_lazy("Prosecution cannot precede the opening of the case."),
        ),
    ),
    extra_check=_check_criminal_case,
)
VICTIMS = _ChildList("victims", Victim, ("iin", "full_name", "outcome"), "victims", ("accident",))

INSPECTION_CHILDREN = (
    VIOLATIONS,
    ORDERS,
    FINES,
    SUSPENSIONS,
    REMOVALS,
    REFERRALS,
    CRIMINAL_CASES,
)
INVESTIGATION_CHILDREN = (REFERRALS, CRIMINAL_CASES)


@dataclass
class _MergedList:
    spec: _ChildList
    prefix: str  # error path of the list, e.g. "investigation.referrals"
    items: list[tuple[int, models.Model]]  # (position in the input, record)
    to_write: list[models.Model]
    to_delete: list[models.Model]


def _normalise(model: type[models.Model], name: str, value: Any) -> Any:
    """Blank text in a nullable field means "none" (forms send empty strings)."""
    if isinstance(value, str):
        value = value.strip()
        if value == "" and model._meta.get_field(name).null:
            return None
    return value


def _merge_list(
    spec: _ChildList,
    prefix: str,
    existing: Sequence[models.Model],
    items: Sequence[Mapping[str, Any]] | None,
    errors: _Errors,
) -> _MergedList:
    if items is None:
        return _MergedList(spec, prefix, list(enumerate(existing)), [], [])
    by_id = {obj.pk: obj for obj in existing}
    seen: set[int] = set()
    merged: list[tuple[int, models.Model]] = []
    to_write: list[models.Model] = []
    for index, item in enumerate(items):
        item_id = item.get("id")
        if item_id is not None:
            obj = by_id.get(item_id)
            if obj is None:
                errors.add(f"{prefix}[{index}].id", _("There is no such record in this list."))
                continue
            if item_id in seen:
                errors.add(f"{prefix}[{index}].id", _("This record is listed twice."))
                continue
            seen.add(item_id)
        else:
            obj = spec.model()
        for name in spec.fields:
            if name in item:
                setattr(obj, name, _normalise(spec.model, name, item[name]))
        merged.append((index, obj))
        to_write.append(obj)
    to_delete = [obj for pk, obj in by_id.items() if pk not in seen]
    return _MergedList(spec, prefix, merged, to_write, to_delete)


def _check_rules(
    spec: _ChildList,
    obj: models.Model,
    path: str,
    anchor: object,
    anchor_message: str,
    errors: _Errors,
) -> None:
    for name in spec.anchored:
        value = getattr(obj, name)
        if _is_date(value) and _is_date(anchor) and value < anchor:
            errors.add(_join(path, name), anchor_message)
    for later, earlier, message in spec.ordered:
        late, early = getattr(obj, later), getattr(obj, earlier)
        if _is_date(late) and _is_date(early) and late < early:
            errors.add(_join(path, later), message)
    if spec.extra_check is not None:
        spec.extra_check(obj, path, errors)


def _full_clean(obj: models.Model, *, exclude: Sequence[str] | None) -> None:
    """The model's own validation plus the plausible range of every date (core.validators)."""
    found: dict[str, list] = {}
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        found = exc.update_error_dict(found)
    for name, exc in implausible_dates(obj).items():
        if name not in found and name not in (exclude or ()):
            found[name] = exc.error_list
    if found:
        raise ValidationError(found)


def _check_list(merged: _MergedList, anchor: object, anchor_message: str, errors: _Errors) -> None:
    spec = merged.spec
    for index, obj in merged.items:
        path = f"{merged.prefix}[{index}]"
        try:
            _full_clean(obj, exclude=list(spec.parent_fields))
        except ValidationError as exc:
            errors.add_exception(path, exc)
        _check_rules(spec, obj, path, anchor, anchor_message, errors)


def _inspection_anchor_message(started_on: object) -> str:
    if not _is_date(started_on):
        return ""
    return _("Cannot be earlier than the start of the inspection (%(date)s).") % {
        "date": started_on.isoformat()
    }


def _accident_anchor_message(occurred_on: object) -> str:
    if not _is_date(occurred_on):
        return ""
    return _("Cannot be earlier than the accident (%(date)s).") % {"date": occurred_on.isoformat()}


def _existing(parent: models.Model | None, spec: _ChildList) -> list[models.Model]:
    if parent is None or parent.pk is None:
        return []
    return list(getattr(parent, spec.related).all())


def _save_list(merged: _MergedList, parent_field: str, parent: models.Model) -> None:
    if merged.to_delete:
        merged.spec.model.objects.filter(pk__in=[obj.pk for obj in merged.to_delete]).delete()
    new = []
    for obj in merged.to_write:
        setattr(obj, parent_field, parent)
        if obj.pk is None:
            new.append(obj)
        else:
            obj.save()
    if new:
        merged.spec.model.objects.bulk_create(new)


def _validate_constraints(
    objects: Sequence[tuple[str, models.Model, Sequence[str]]], errors: _Errors
) -> None:
    """The database constraints, checked before writing so a breach is a 400, not a 500."""
    for path, obj, exclude in objects:
        try:
            obj.validate_constraints(exclude=set(exclude))
        except ValidationError as exc:
            errors.add_exception(path, exc)
    errors.raise_if_any()


def _region(code: object, path: str, errors: _Errors) -> Region | None:
    if not isinstance(code, str) or not REGION_CODE_RE.fullmatch(code):
        errors.add(path, _("A region is a two-digit КАТО region code."))
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors.add(path, _("There is no region with this code."))
    return region


def _lock(record: models.Model) -> None:
    """Concurrent corrections of one record take turns: each replaces child lists whole."""
    type(record).objects.select_for_update().filter(pk=record.pk).values_list("pk").first()


def _user_id(user: AbstractBaseUser) -> Any:
    return user.pk


_SPEC_BY_MODEL: dict[type[models.Model], _ChildList] = {
    spec.model: spec for spec in (*INSPECTION_CHILDREN, VICTIMS)
}


def child_rule_errors(
    *, record: models.Model, parent: Inspection | Investigation
) -> dict[str, list[str]]:
    """Field -> messages for the rules a child record must meet against its parent (dates
    not before the inspection's start or the accident, dates in order). For forms that
    write without these services, such as the admin's inlines."""
    spec = _SPEC_BY_MODEL[type(record)]
    errors = _Errors()
    if isinstance(parent, Inspection):
        anchor: object = parent.started_on
        message = _inspection_anchor_message(anchor)
    else:
        anchor = parent.accident.occurred_on if parent.accident_id else None
        message = _accident_anchor_message(anchor)
    _check_rules(spec, record, "", anchor, message, errors)
    return errors.messages


# --- inspections --------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    acting_user: AbstractBaseUser,
    region: str,
    kind: str,
    started_on: datetime.date,
    subject_bin: str | None = None,
    subject_iin: str | None = None,
    subject_name: str = "",
    completed_on: datetime.date | None = None,
    violations: Sequence[ViolationData] = (),
    orders: Sequence[OrderData] = (),
    fines: Sequence[FineData] = (),
    suspensions: Sequence[SuspensionData] = (),
    removals: Sequence[RemovalData] = (),
    referrals: Sequence[ReferralData] = (),
    criminal_cases: Sequence[CriminalCaseData] = (),
) -> Inspection:
    """Record an inspection with everything it produced (INTERFACES.md § Inspection).

    The region must be the acting inspector's own (a chief inspector may use any);
    the subject is exactly one of a BIN or an IIN with a valid check digit; the
    inspection cannot be completed before it started and none of its records
    (violations, orders, fines, suspensions, removals, referrals, criminal cases)
    is dated before its start. Without ``completed_on`` it is in progress and
    1-МЕИЖМ columns 2-4 do not count it yet.
    """
    changes: InspectionChanges = {
        "region": region,
        "kind": kind,
        "started_on": started_on,
        "subject_bin": subject_bin,
        "subject_iin": subject_iin,
        "subject_name": subject_name,
        "completed_on": completed_on,
        "violations": violations,
        "orders": orders,
        "fines": fines,
        "suspensions": suspensions,
        "removals": removals,
        "referrals": referrals,
        "criminal_cases": criminal_cases,
    }
    return _inspection_write(
        inspection=Inspection(created_by=acting_user), acting_user=acting_user, changes=changes
    )


@transaction.atomic
def inspection_update(
    *, inspection: Inspection, acting_user: AbstractBaseUser, **changes: Unpack[InspectionChanges]
) -> Inspection:
    """Correct an inspection: only the fields given change; child lists given replace.

    The same rules as ``inspection_create``; the stored record's region must also be
    the acting inspector's own. Setting one of ``subject_bin`` / ``subject_iin``
    without mentioning the other clears the other.
    """
    ensure_may_write_region(acting_user, inspection.region_id)
    _lock(inspection)
    return _inspection_write(inspection=inspection, acting_user=acting_user, changes=changes)


def _inspection_write(
    *, inspection: Inspection, acting_user: AbstractBaseUser, changes: InspectionChanges
) -> Inspection:
    errors = _Errors()
    clean_exclude: list[str] = []

    if "region" in changes:
        region = _region(changes["region"], "region", errors)
        if region is None:
            clean_exclude.append("region")
        else:
            ensure_may_write_region(acting_user, region.code)
            inspection.region = region

    subject_bin = _normalise(Inspection, "subject_bin", changes.get("subject_bin"))
    subject_iin = _normalise(Inspection, "subject_iin", changes.get("subject_iin"))
    if "subject_bin" in changes:
        inspection.subject_bin = subject_bin
        if subject_bin and "subject_iin" not in changes:
            inspection.subject_iin = None
    if "subject_iin" in changes:
        inspection.subject_iin = subject_iin
        if subject_iin and "subject_bin" not in changes:
            inspection.subject_bin = None
    for name in ("subject_name", "kind", "started_on", "completed_on"):
        if name in changes:
            setattr(inspection, name, _normalise(Inspection, name, changes[name]))
    inspection.subject_name = inspection.subject_name or ""
    inspection.updated_by = acting_user

    try:
        _full_clean(inspection, exclude=clean_exclude)
    except ValidationError as exc:
        errors.add_exception("", exc)

    if not inspection.subject_bin and not inspection.subject_iin:
        errors.add("subject_bin", _("Give the subject's BIN or IIN."))
    elif inspection.subject_bin and inspection.subject_iin:
        errors.add("subject_iin", _("Give either a BIN or an IIN, not both."))

    started_on, completed_on = inspection.started_on, inspection.completed_on
    if _is_date(started_on) and _is_date(completed_on) and completed_on < started_on:
        errors.add("completed_on", _("An inspection cannot be completed before it started."))

    anchor_message = _inspection_anchor_message(started_on)
    lists = []
    for spec in INSPECTION_CHILDREN:
        merged = _merge_list(
            spec, spec.key, _existing(inspection, spec), changes.get(spec.key), errors
        )
        _check_list(merged, started_on, anchor_message, errors)
        lists.append(merged)
    errors.raise_if_any()

    _validate_constraints(
        [("", inspection, clean_exclude)]
        + [
            (merged.prefix, obj, merged.spec.parent_fields)
            for merged in lists
            for obj in merged.to_write
        ],
        errors,
    )
    with pghistory.context(user=_user_id(acting_user)):
        inspection.save()
        for merged in lists:
            _save_list(merged, "inspection", inspection)
    return inspection


# --- accidents ----------------------------------------------------------------------


@transaction.atomic
def accident_create(
    *,
    acting_user: AbstractBaseUser,
    kato: str,
    occurred_on: datetime.date,
    employer_bin: str,
    description: str,
    victims: Sequence[VictimData],
    employer_name: str = "",
    investigation: InvestigationData | None = None,
) -> Accident:
    """Record an accident with its victims and, optionally, its investigation.

    INTERFACES.md § Inspection: the region is the first two digits of ``kato`` and
    must be a known region, the acting inspector's own (a chief inspector may use
    any); an accident has at least one victim (two or more make it a group
    accident, 2-ӨЖ column 3); a victim may lack an IIN (a foreigner); the outcome
    is one of light, moderate, severe, fatal. The investigation's region must be
    the inspector's own, and neither it nor its referrals and criminal cases may
    be dated before the accident.
    """
    changes: AccidentChanges = {
        "kato": kato,
        "occurred_on": occurred_on,
        "employer_bin": employer_bin,
        "employer_name": employer_name,
        "description": description,
        "victims": victims,
    }
    if investigation is not None:
        changes["investigation"] = investigation
    return _accident_write(
        accident=Accident(created_by=acting_user), acting_user=acting_user, changes=changes
    )


@transaction.atomic
def accident_update(
    *, accident: Accident, acting_user: AbstractBaseUser, **changes: Unpack[AccidentChanges]
) -> Accident:
    """Correct an accident: only the fields given change; ``victims`` given replaces the
    list; ``investigation`` given as a mapping creates or edits it, given as None
    deletes it. The same rules as ``accident_create``; the stored record's region
    must also be the acting inspector's own.
    """
    ensure_may_write_region(acting_user, accident.region_id)
    _lock(accident)
    return _accident_write(accident=accident, acting_user=acting_user, changes=changes)


def _stored_investigation(accident: Accident) -> Investigation | None:
    if accident.pk is None:
        return None
    return Investigation.objects.filter(accident=accident).first()


def _accident_write(
    *, accident: Accident, acting_user: AbstractBaseUser, changes: AccidentChanges
) -> Accident:
    errors = _Errors()
    clean_exclude: list[str] = []

    if "kato" in changes:
        kato = changes["kato"]
        accident.kato = kato
        if not isinstance(kato, str) or not KATO_RE.fullmatch(kato):
            errors.add("kato", _("A КАТО code has 9 digits."))
            clean_exclude += ["kato", "region"]
        else:
            region = Region.objects.filter(code=kato[:2]).first()
            if region is None:
                errors.add(
                    "kato", _("The first two digits of the КАТО code are not a known region.")
                )
                clean_exclude += ["kato", "region"]
            else:
                ensure_may_write_region(acting_user, region.code)
                accident.region = region
    for name in ("occurred_on", "employer_bin", "employer_name", "description"):
        if name in changes:
            setattr(accident, name, _normalise(Accident, name, changes[name]))
    accident.employer_name = accident.employer_name or ""
    accident.updated_by = acting_user

    try:
        _full_clean(accident, exclude=clean_exclude)
    except ValidationError as exc:
        errors.add_exception("", exc)
    occurred_on = accident.occurred_on

    victims = _merge_list(
        VICTIMS, "victims", _existing(accident, VICTIMS), changes.get("victims"), errors
    )
    _check_list(victims, None, "", errors)
    if not victims.items and not errors.has("victims"):
        errors.add("victims", _("An accident has at least one victim."))

    stored = _stored_investigation(accident)
    investigation: Investigation | None = stored
    inv_lists: list[_MergedList] = []
    inv_exclude: list[str] = ["accident"]
    if "investigation" in changes:
        data = changes["investigation"]
        if data is None:
            investigation = None
        else:
            if stored is not None:
                ensure_may_write_region(acting_user, stored.region_id)
            investigation = stored or Investigation()
            code = data.get("region") or (None if stored else accident.region_id)
            if code is not None:
                region = _region(code, "investigation.region", errors)
                if region is None:
                    inv_exclude.append("region")
                else:
                    ensure_may_write_region(acting_user, region.code)
                    investigation.region = region
            for name in ("by_state_inspector", "completed_on"):
                if name in data:
                    setattr(investigation, name, data[name])
    if investigation is not None:
        data = changes.get("investigation") or {}
        try:
            _full_clean(investigation, exclude=inv_exclude)
        except ValidationError as exc:
            errors.add_exception("investigation", exc)
        completed_on = investigation.completed_on
        if _is_date(completed_on) and _is_date(occurred_on) and completed_on < occurred_on:
            errors.add(
                "investigation.completed_on",
                _("An investigation cannot be completed before the accident."),
            )
        anchor_message = _accident_anchor_message(occurred_on)
        for spec in INVESTIGATION_CHILDREN:
            merged = _merge_list(
                spec,
                f"investigation.{spec.key}",
                _existing(investigation, spec),
                data.get(spec.key),
                errors,
            )
            _check_list(merged, occurred_on, anchor_message, errors)
            inv_lists.append(merged)
    errors.raise_if_any()

    to_validate: list[tuple[str, models.Model, Sequence[str]]] = [("", accident, clean_exclude)]
    to_validate += [("victims", obj, VICTIMS.parent_fields) for obj in victims.to_write]
    inv_changed = "investigation" in changes
    if investigation is not None and inv_changed:
        to_validate.append(("investigation", investigation, inv_exclude))
        to_validate += [
            (merged.prefix, obj, merged.spec.parent_fields)
            for merged in inv_lists
            for obj in merged.to_write
        ]
    _validate_constraints(to_validate, errors)

    with pghistory.context(user=_user_id(acting_user)):
        accident.save()
        _save_list(victims, "accident", accident)
        if stored is not None and investigation is None:
            stored.delete()
        if investigation is not None and inv_changed:
            investigation.accident = accident
            investigation.save()
            for merged in inv_lists:
                _save_list(merged, "investigation", investigation)
    return accident
