"""Output shapes of the reports API (INTERFACES.md § Reports), for the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import VersionSource


@extend_schema_field(
    {
        "type": "object",
        "description": "Column number -> figure: whole numbers, except 1-МЕИЖМ column 9, "
        "thousand tenge as a decimal string with one decimal.",
        "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
    }
)
class ValuesField(serializers.DictField):
    pass


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True},
)
class FigureField(serializers.JSONField):
    pass


class HeaderOutput(serializers.Serializer):
    bin = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    executor = serializers.CharField(allow_blank=True)
    head = serializers.CharField(allow_blank=True)
    date = serializers.CharField()


class RowOutput(serializers.Serializer):
    kato = serializers.CharField()
    region_kk = serializers.CharField()
    region_ru = serializers.CharField()
    values = ValuesField()


class TotalOutput(serializers.Serializer):
    values = ValuesField()


class CheckResultOutput(serializers.Serializer):
    row = serializers.CharField(help_text="КАТО of the region, or 'total'.")
    passed = serializers.BooleanField()
    left = serializers.IntegerField()
    right = serializers.IntegerField()


class CheckOutput(serializers.Serializer):
    code = serializers.CharField()
    expression = serializers.CharField()
    title = serializers.CharField()
    passed = serializers.BooleanField()
    results = CheckResultOutput(many=True)


class DiffCellOutput(serializers.Serializer):
    row = serializers.CharField(help_text="КАТО of the region, or 'total'.")
    column = serializers.CharField()
    old = FigureField()
    new = FigureField()


class DiffOutput(serializers.Serializer):
    corrects_version = serializers.IntegerField()
    cells = DiffCellOutput(many=True)


class DownloadsOutput(serializers.Serializer):
    xlsx = serializers.URLField()
    pdf = serializers.URLField()


@extend_schema_field({"type": "string", "enum": ["draft", "final"]})
class StatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ["regular", "correction"]})
class KindField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": list(VersionSource.values)})
class SourceField(serializers.CharField):
    pass


class VersionSummaryOutput(serializers.Serializer):
    form = serializers.CharField()
    period = serializers.CharField()
    version = serializers.IntegerField()
    status = StatusField()
    kind = KindField()
    source = SourceField()
    generated_at = serializers.DateTimeField()
    finalised_at = serializers.DateTimeField(allow_null=True)
    corrects_version = serializers.IntegerField(allow_null=True)
    superseded_by_version = serializers.IntegerField(allow_null=True)
    checks_failed = serializers.IntegerField()
    url = serializers.URLField()


class ReportOutput(VersionSummaryOutput):
    form_index = serializers.CharField()
    fingerprint = serializers.CharField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    header = HeaderOutput()
    rows = RowOutput(many=True)
    total = TotalOutput(allow_null=True, help_text="Null for an inspector (own region only).")
    checks = CheckOutput(many=True)
    diff = DiffOutput(allow_null=True)
    downloads = DownloadsOutput()
