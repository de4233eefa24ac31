"""Writes of an accident with its victims and its investigation (INTERFACES.md § Inspection)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting
from core.errors import FieldErrors
from core.models import Region

from ..models import Accident, Investigation
from ..permissions import ensure_may_write_region
from ..shapes import ACCIDENT, INVESTIGATION, VICTIMS
from . import records
from .children import (
    Anchor,
    MergedList,
    checked_list,
    full_clean,
    is_date,
    save_list,
    validate_constraints,
)

KATO_RE = re.compile(r"[0-9]{9}")
PLAIN_FIELDS = tuple(f.name for f in ACCIDENT.writable if f.name != "kato")
INVESTIGATION_FIELDS = tuple(name for name in INVESTIGATION.names if name != "region")


@transaction.atomic
def accident_create(*, acting_user: AbstractBaseUser, **data: Any) -> Accident:
    """Record an accident with its victims and, optionally, its investigation.

    ``data`` holds the fields and lists of ``shapes.ACCIDENT`` (``kato``,
    ``occurred_on``, ``employer_bin``, ``description`` and ``victims`` required)
    and ``investigation``. INTERFACES.md § Inspection: the region is the first two
    digits of ``kato`` and must be a known region, the acting inspector's own (a
    chief inspector may use any); an accident has at least one victim (two or more
    make it a group accident, 2-ӨЖ column 3); a victim may lack an IIN (a
    foreigner); the outcome is one of light, moderate, severe, fatal. The
    investigation's region must be the inspector's own, and neither it nor its
    referrals and criminal cases may be dated before the accident.
    """
    records.check_keys(ACCIDENT, data, create=True)
    if "victims" not in data:
        raise TypeError("missing keyword arguments for accident: victims")
    if data.get("investigation", ...) is None:
        data = {k: v for k, v in data.items() if k != "investigation"}
    accident = Accident(created_by=acting_user)
    return _accident_write(accident=accident, acting_user=acting_user, changes=data)


@transaction.atomic
def accident_update(
    *, accident: Accident, acting_user: AbstractBaseUser, **changes: Any
) -> Accident:
    """Correct an accident: only the fields given change; ``victims`` given replaces the
    list; ``investigation`` given as a mapping creates or edits it, given as None
    deletes it. The same rules as ``accident_create``; the stored record's region
    must also be the acting inspector's own.
    """
    records.check_keys(ACCIDENT, changes, create=False)
    ensure_may_write_region(acting_user, accident.region_id)
    records.lock(accident)
    return _accident_write(accident=accident, acting_user=acting_user, changes=changes)


def _set_place(accident: Accident, kato: object, acting_user, errors: FieldErrors) -> list[str]:
    """The КАТО code and the region it starts with; the fields to leave out of cleaning."""
    accident.kato = kato
    if not isinstance(kato, str) or not KATO_RE.fullmatch(kato):
        errors.add("kato", _("A КАТО code has 9 digits."))
        return ["kato", "region"]
    region = Region.objects.filter(code=kato[:2]).first()
    if region is None:
        errors.add("kato", _("The first two digits of the КАТО code are not a known region."))
        return ["kato", "region"]
    ensure_may_write_region(acting_user, region.code)
    accident.region = region
    return []


class _InvestigationWrite:
    """The accident's investigation as it will be stored (None: none or deleted)."""

    def __init__(self, accident: Accident, changes: dict[str, Any], acting_user, errors) -> None:
        self.stored = (
            Investigation.objects.filter(accident=accident).first() if accident.pk else None
        )
        self.record: Investigation | None = self.stored
        self.changed = "investigation" in changes
        self.exclude: list[str] = ["accident"]
        self.lists: list[MergedList] = []
        data = changes.get("investigation") or {}
        if self.changed and changes["investigation"] is None:
            self.record = None
        elif self.changed:
            self._apply(data, accident, acting_user, errors)
        if self.record is not None:
            self._check(data, accident.occurred_on, errors)

    def _apply(self, data, accident: Accident, acting_user, errors: FieldErrors) -> None:
        if self.stored is not None:
            ensure_may_write_region(acting_user, self.stored.region_id)
        self.record = self.stored or Investigation()
        code = data.get("region") or (None if self.stored else accident.region_id)
        if code is not None:
            region = records.region(code, "investigation.region", errors)
            if region is None:
                self.exclude.append("region")
            else:
                ensure_may_write_region(acting_user, region.code)
                self.record.region = region
        for name in INVESTIGATION_FIELDS:
            if name in data:
                setattr(self.record, name, data[name])

    def _check(self, data, occurred_on, errors: FieldErrors) -> None:
        record = self.record
        full_clean(record, self.exclude, "investigation", errors)
        completed_on = record.completed_on
        if is_date(completed_on) and is_date(occurred_on) and completed_on < occurred_on:
            errors.add(
                "investigation.completed_on",
                _("An investigation cannot be completed before the accident."),
            )
        anchor = Anchor.at(occurred_on, _("Cannot be earlier than the accident (%(date)s)."))
        self.lists = [
            checked_list(
                spec, f"investigation.{spec.key}", record, data.get(spec.key), anchor, errors
            )
            for spec in INVESTIGATION.children
        ]

    def to_validate(self) -> list:
        if self.record is None or not self.changed:
            return []
        rows = [("investigation", self.record, self.exclude)]
        return rows + [row for merged in self.lists for row in merged.to_validate()]

    def save(self, accident: Accident) -> None:
        if self.stored is not None and self.record is None:
            self.stored.delete()
        if self.record is not None and self.changed:
            self.record.accident = accident
            self.record.save()
            for merged in self.lists:
                save_list(merged, "investigation", self.record)


def _accident_write(
    *, accident: Accident, acting_user: AbstractBaseUser, changes: dict[str, Any]
) -> Accident:
    errors = FieldErrors()
    clean_exclude: list[str] = []
    if "kato" in changes:
        clean_exclude = _set_place(accident, changes["kato"], acting_user, errors)
    records.set_fields(accident, PLAIN_FIELDS, changes)
    accident.employer_name = accident.employer_name or ""
    accident.updated_by = acting_user
    full_clean(accident, clean_exclude, "", errors)

    victims = checked_list(
        VICTIMS, VICTIMS.key, accident, changes.get(VICTIMS.key), Anchor(), errors
    )
    investigation = _InvestigationWrite(accident, changes, acting_user, errors)
    errors.raise_if_any()

    validate_constraints(
        [("", accident, clean_exclude), *victims.to_validate(), *investigation.to_validate()],
        errors,
    )
    with acting(acting_user):
        accident.save()
        save_list(victims, "accident", accident)
        investigation.save(accident)
    return accident
