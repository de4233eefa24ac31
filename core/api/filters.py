"""Filters every API list shares."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment turned to UTC: offsets the database cannot take are a field
    error, not a server error."""

    def to_python(self, value):
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
            help_text="Only records changed at or after this moment (ISO 8601).",
            **kwargs,
        )
