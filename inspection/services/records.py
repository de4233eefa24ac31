"""What the write services of a record share: its input keys, its region, its lock."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from core.errors import FieldErrors
from core.models import Region

from ..shapes import RecordShape
from .children import normalise

REGION_CODE_RE = re.compile(r"[0-9]{2}")


def check_keys(shape: RecordShape, data: Mapping[str, Any], *, create: bool) -> None:
    """A call names only the record's fields and lists, and on create its required fields
    (as a Python signature would)."""
    unknown = sorted(set(data) - shape.keys)
    if unknown:
        raise TypeError(f"unexpected keyword arguments for {shape.key}: {', '.join(unknown)}")
    if create:
        missing = [f.name for f in shape.writable if f.required and f.name not in data]
        if missing:
            raise TypeError(f"missing keyword arguments for {shape.key}: {', '.join(missing)}")


def region(code: object, path: str, errors: FieldErrors) -> Region | None:
    if not isinstance(code, str) or not REGION_CODE_RE.fullmatch(code):
        errors.add(path, _("A region is a two-digit КАТО region code."))
        return None
    found = Region.objects.filter(code=code).first()
    if found is None:
        errors.add(path, _("There is no region with this code."))
    return found


def set_fields(record: models.Model, names: Iterable[str], data: Mapping[str, Any]) -> None:
    """The fields given, blank text in a nullable field read as none."""
    for name in names:
        if name in data:
            setattr(record, name, normalise(type(record), name, data[name]))


def lock(record: models.Model) -> None:
    """Concurrent corrections of one record take turns: each replaces child lists whole."""
    type(record).objects.select_for_update().filter(pk=record.pk).values_list("pk").first()
