"""Filters every API list shares."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment turned to UTC: offsets the database cannot take are a field
    error, not a server error. A date alone (2026-11-30 or 30.11.2026) means the start
    of that day in Almaty."""

    default_error_messages = {
        "invalid": _(
            "Give a moment as 2026-11-30T09:00:00+05:00, or a date as 2026-11-30 or 30.11.2026."
        )
    }

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and text:
            for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
                try:
                    day = datetime.datetime.strptime(text, pattern)
                except ValueError:
                    continue
                return timezone.make_aware(day).astimezone(datetime.UTC)
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """``updated_since``: records changed at or after a moment (INTERFACES.md § REST API)."""

    field_class = UtcDateTimeField

    def __init__(self, **kwargs) -> None:
        super().__init__(
            field_name="updated_at",
            lookup_expr="gte",
            label=_("Updated since"),
            help_text="Only records changed at or after this moment (ISO 8601), "
            "or since the start of a day (YYYY-MM-DD or DD.MM.YYYY).",
            **kwargs,
        )
