"""API shapes of ОСНС contracts and violators (INTERFACES.md § Mandatory insurance).

The input fields are made from the ``esbd_contracts`` declaration, so the API
reads a value exactly as the feed does (types, lengths, choices, required).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.feeds import CHOICE, DATE, DECIMAL, IIN_BIN, INT, KATO, OKED, get_feed
from core.validators import validate_iin_bin

from .models import OsnsContract, ViolatorCase


def _kato(value: str) -> None:
    if value and not re.fullmatch(r"\d{9}", value):
        raise serializers.ValidationError(_("A КАТО code must be 9 digits."))


class OkedField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).replace(".", "")
        if value and not re.fullmatch(r"\d{5}", value):
            raise serializers.ValidationError(
                _("An ОКЭД code must be 5 digits (dotted form 00.00.0 accepted).")
            )
        return value


class OptionalDateField(serializers.DateField):
    """An optional date: null or an empty string is no value (as an empty cell in the feed)."""

    def validate_empty_values(self, data):
        if data == "":
            data = None
        return super().validate_empty_values(data)


def _field(column) -> serializers.Field:
    required = column.required and not column.blank
    common = {"required": required}
    if column.type == DATE:
        if not required:
            return OptionalDateField(**common, allow_null=True)
        return serializers.DateField(**common)
    if column.type == DECIMAL:
        return serializers.DecimalField(
            max_digits=15, decimal_places=2, min_value=0, **common, allow_null=not required
        )
    if column.type == INT:
        return serializers.IntegerField(min_value=0, **common, allow_null=not required)
    if column.type == CHOICE:
        return serializers.ChoiceField(choices=column.choices, allow_blank=not required, **common)
    if column.type == IIN_BIN:
        return serializers.CharField(validators=[validate_iin_bin], **common)
    if column.type == KATO:
        return serializers.CharField(validators=[_kato], allow_blank=True, **common)
    if column.type == OKED:
        return OkedField(allow_blank=True, **common)
    return serializers.CharField(max_length=column.max_length, allow_blank=not required, **common)


def contract_input_serializer() -> type[serializers.Serializer]:
    """A serializer class of the feed's columns except ``insurer_bin`` (from the token);
    PATCH uses it with ``partial=True``."""
    fields = {}
    for column in get_feed("esbd_contracts").columns:
        if column.name == "insurer_bin":
            continue
        field = _field(column)
        if column.name == "insurer_name":
            field = serializers.CharField(max_length=column.max_length, required=False)
        fields[column.name] = field
    return type("OsnsContractInput", (serializers.Serializer,), fields)


OsnsContractInput = contract_input_serializer()


class FlagSerializer(serializers.Serializer):
    column = serializers.CharField()
    reason = serializers.CharField()


class OsnsContractOutput(serializers.ModelSerializer):
    id = serializers.IntegerField(
        source="contract_id", help_text="The contract's id: its first version's id; stable."
    )
    version_id = serializers.IntegerField(source="pk")
    source = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    class Meta:
        model = OsnsContract
        fields = [
            "id",
            *[c.name for c in get_feed("esbd_contracts").columns],
            "termination_code",
            "version",
            "version_id",
            "delivered_on",
            "loaded_at",
            "source",
            "flags",
        ]

    def get_source(self, obj) -> str:
        return "feed" if obj.feed_file_id else "api"

    def get_flags(self, obj) -> list[dict[str, str]]:
        flags = self.context.get("flags", {})
        return flags.get(obj.pk, [])


class TerminateInput(serializers.Serializer):
    terminated_on = serializers.DateField()
    termination_reason = _field(get_feed("esbd_contracts").column("termination_reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["termination_reason"].required = True
        self.fields["termination_reason"].allow_blank = False


class ViolatorOutput(serializers.Serializer):
    employer_bin = serializers.CharField()
    employer_name = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text="2-digit region code.")
    employees_on_date = serializers.IntegerField()
    last_cover_ends_on = serializers.DateField(allow_null=True)
    head_bin = serializers.CharField()
    oked = serializers.CharField()
    risk_class = serializers.IntegerField(allow_null=True)
    case = serializers.IntegerField(allow_null=True, help_text="The tracked case in progress.")


class CaseOutput(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = ViolatorCase
        fields = [
            "id",
            "employer_bin",
            "employer_name",
            "head_bin",
            "region",
            "oked",
            "oked_section",
            "risk_class",
            "state",
            "opened_on",
            "judged_on",
            "employees_on_date",
            "employment_contracts",
            "last_cover_ends_on",
            "evidence",
            "resolved_on",
            "resolution",
            "updated_at",
        ]
