"""The child-list engine: a list given to a write replaces the stored list.

An item with an ``id`` edits that record (only the keys given), an item without
one is created, and stored records not listed are deleted; a list not given is
left as it is. Each item is checked against its model, its list's rules
(``shapes.ChildList``) and its parent's anchor date; all errors are collected by
field path.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.constraints import validate_constraints as check_constraints
from core.errors import FieldErrors, join_path
from core.validators import implausible_dates

from ..shapes import ChildList


def is_date(value: object) -> bool:
    return isinstance(value, datetime.date)


def full_clean(
    record: models.Model, exclude: Sequence[str], prefix: str, errors: FieldErrors
) -> None:
    """The model's own validation plus the plausible range of every date
    (core.validators); errors go to ``errors`` under ``prefix``."""
    found: dict[str, list] = {}
    try:
        record.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        found = exc.update_error_dict(found)
    for name, exc in implausible_dates(record).items():
        if name not in found and name not in exclude:
            found[name] = exc.error_list
    if found:
        errors.add_exception(prefix, ValidationError(found))


def normalise(model: type[models.Model], name: str, value: Any) -> Any:
    """Blank text in a nullable field means "none" (forms send empty strings)."""
    if isinstance(value, str):
        value = value.strip()
        if value == "" and model._meta.get_field(name).null:
            return None
    return value


@dataclass(frozen=True)
class Anchor:
    """The date nothing in a list may precede, and the message saying so."""

    on: object = None
    message: str = ""

    @classmethod
    def at(cls, on: object, message: str) -> Anchor:
        """``message`` names the date as ``%(date)s``; no anchor without a date."""
        return cls(on, message % {"date": on.isoformat()}) if is_date(on) else cls()


@dataclass
class MergedList:
    spec: ChildList
    prefix: str  # error path of the list, e.g. "investigation.referrals"
    items: list[tuple[int, models.Model]]  # (position in the input, record)
    to_write: list[models.Model]
    to_delete: list[models.Model]
    changed: list[models.Model] = field(default_factory=list)  # stored rows given new values

    def to_validate(self) -> list[tuple[str, models.Model, Sequence[str]]]:
        return [(self.prefix, obj, self.spec.parent_fields) for obj in self.to_write]


def _existing(parent: models.Model | None, spec: ChildList) -> list[models.Model]:
    if parent is None or parent.pk is None:
        return []
    return list(getattr(parent, spec.related).all())


def _merge_list(spec: ChildList, prefix: str, parent, items, errors: FieldErrors) -> MergedList:
    existing = _existing(parent, spec)
    if items is None:
        return MergedList(spec, prefix, list(enumerate(existing)), [], [])
    by_id = {obj.pk: obj for obj in existing}
    seen: set[int] = set()
    merged: list[tuple[int, models.Model]] = []
    changed: list[models.Model] = []
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
        before = [getattr(obj, name) for name in spec.names]
        for name in spec.names:
            if name in item:
                setattr(obj, name, normalise(spec.model, name, item[name]))
        if obj.pk is not None and before != [getattr(obj, name) for name in spec.names]:
            changed.append(obj)
        merged.append((index, obj))
    to_delete = [obj for pk, obj in by_id.items() if pk not in seen]
    return MergedList(spec, prefix, merged, [obj for _i, obj in merged], to_delete, changed)


def _check_rules(
    spec: ChildList, obj: models.Model, path: str, anchor: Anchor, errors: FieldErrors
) -> None:
    for name in spec.anchored:
        value = getattr(obj, name)
        if is_date(value) and is_date(anchor.on) and value < anchor.on:
            errors.add(join_path(path, name), anchor.message)
    for later, earlier, message in spec.ordered:
        late, early = getattr(obj, later), getattr(obj, earlier)
        if is_date(late) and is_date(early) and late < early:
            errors.add(join_path(path, later), message)
    if spec.extra_check is not None:
        spec.extra_check(obj, path, errors)


def checked_list(
    spec: ChildList,
    prefix: str,
    parent: models.Model | None,
    items: Sequence[Mapping[str, Any]] | None,
    anchor: Anchor,
    errors: FieldErrors,
) -> MergedList:
    """The list as it will be stored, every item checked; errors go to ``errors``."""
    merged = _merge_list(spec, prefix, parent, items, errors)
    for index, obj in merged.items:
        path = f"{prefix}[{index}]"
        full_clean(obj, list(spec.parent_fields), path, errors)
        _check_rules(spec, obj, path, anchor, errors)
    if spec.empty_message and not merged.items and not errors.has(prefix):
        errors.add(prefix, spec.empty_message)
    return merged


def save_list(merged: MergedList, parent_field: str, parent: models.Model) -> None:
    """Deletes, changes and adds in a few statements: the rows given unchanged are not
    written again (nor their history)."""
    model = merged.spec.model
    if merged.to_delete:
        model.objects.filter(pk__in=[obj.pk for obj in merged.to_delete]).delete()
    new = []
    for obj in merged.to_write:
        setattr(obj, parent_field, parent)
        if obj.pk is None:
            new.append(obj)
    if merged.changed:
        model.objects.bulk_update(merged.changed, list(merged.spec.names), batch_size=500)
    if new:
        model.objects.bulk_create(new)


def validate_constraints(
    objects: Sequence[tuple[str, models.Model, Sequence[str]]], errors: FieldErrors
) -> None:
    """The database constraints, checked before writing so a breach is a 400, not a 500
    (check constraints evaluated in Python: one query per row would not scale)."""
    for path, obj, exclude in objects:
        try:
            check_constraints(obj, exclude)
        except ValidationError as exc:
            errors.add_exception(path, exc)
    errors.raise_if_any()
