"""API shapes of INTERFACES.md § Inspection, derived from ``shapes``. Input serializers
check shape only; the rules live in ``services``. Output serializers read the
prefetched querysets of ``selectors``.
"""

from __future__ import annotations

from functools import cache

from rest_framework import serializers

from core.limits import CHILD_ROWS_PER_LIST

from . import shapes
from .shapes import ChildList, Field, RecordShape

MAX_ID = 2**63 - 1
MAX_ITEMS = CHILD_ROWS_PER_LIST

DIGITS = {shapes.IDENTIFIER: 12, shapes.KATO: 9, shapes.REGION: 2}


def _name(key: str) -> str:
    """``criminal_cases`` -> ``CriminalCase``: the schema component of a list's item."""
    return "".join(part.title() for part in key.split("_")).removesuffix("s")


def _input_field(field: Field) -> serializers.Field:
    optional = {} if field.required else {"required": False, "allow_null": True}
    docs = {"help_text": field.api_help} if field.api_help else {}
    if field.kind in DIGITS:
        n = DIGITS[field.kind]
        return serializers.RegexField(rf"^[0-9]{{{n}}}$", max_length=n, **optional, **docs)
    if field.kind == shapes.DATE:
        return serializers.DateField(**optional, **docs)
    if field.kind == shapes.AMOUNT:
        return serializers.DecimalField(max_digits=14, decimal_places=2, **docs)
    if field.kind == shapes.COUNT:
        return serializers.IntegerField(min_value=1, max_value=shapes.MAX_INT, **optional, **docs)
    if field.kind == shapes.CHOICE:
        return serializers.ChoiceField(choices=field.choices, **docs)
    if field.kind == shapes.FLAG:
        return serializers.BooleanField(**docs)
    if field.required:
        return serializers.CharField(max_length=field.max_length, **docs)
    return serializers.CharField(
        max_length=field.max_length, required=False, allow_blank=True, **docs
    )


def _id_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="On PATCH: the id of a stored item to edit; omit it to add an item. "
        "Stored items not listed are deleted.",
    )


@cache
def child_input_serializer(spec: ChildList) -> type[serializers.Serializer]:
    attrs = {"id": _id_field(), **{f.name: _input_field(f) for f in spec.fields}}
    return type(f"{_name(spec.key)}InputSerializer", (serializers.Serializer,), attrs)


def _child_list_input(spec: ChildList) -> serializers.ListSerializer:
    extra = {"required": False}
    if spec.empty_message:
        extra = {"min_length": 1, "error_messages": {"min_length": spec.empty_message}}
    return child_input_serializer(spec)(many=True, max_length=MAX_ITEMS, **extra)


@cache
def input_serializer(shape: RecordShape) -> type[serializers.Serializer]:
    attrs: dict[str, serializers.Field] = {f.name: _input_field(f) for f in shape.writable}
    attrs.update({spec.key: _child_list_input(spec) for spec in shape.children})
    for part in shape.parts:
        attrs[part.key] = input_serializer(part)(
            required=False, allow_null=True, help_text=part.api_help
        )
    return type(f"{shape.model.__name__}InputSerializer", (serializers.Serializer,), attrs)


# --- output -------------------------------------------------------------------------


def _model_serializer(name: str, model, fields: tuple[str, ...], attrs: dict):
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(name, (serializers.ModelSerializer,), {**attrs, "Meta": meta})


@cache
def child_output_serializer(spec: ChildList) -> type[serializers.ModelSerializer]:
    attrs = {
        f.name: serializers.DecimalField(
            max_digits=14, decimal_places=2, help_text="Tenge, a decimal string."
        )
        for f in spec.fields
        if f.kind == shapes.AMOUNT
    }
    name = f"{_name(spec.key)}OutputSerializer"
    return _model_serializer(name, spec.model, ("id", *spec.names), attrs)


AUDIT_FIELDS = ("created_at", "updated_at")


@cache
def output_serializer(shape: RecordShape) -> type[serializers.ModelSerializer]:
    attrs: dict[str, serializers.Field] = {}
    for field in shape.fields:
        if field.kind == shapes.REGION:
            help_text = field.api_help if field.read_only else "Two-digit region code."
            attrs[field.name] = serializers.CharField(source="region_id", help_text=help_text)
    for spec in shape.children:
        source = {"source": spec.related} if spec.related != spec.key else {}
        attrs[spec.key] = child_output_serializer(spec)(many=True, **source)
    for part in shape.parts:
        attrs[part.key] = output_serializer(part)(allow_null=True)
    stored = {f.name for f in shape.model._meta.get_fields()}
    names = (
        "id",
        *shape.names,
        *(c.key for c in shape.children),
        *(p.key for p in shape.parts),
        *(name for name in AUDIT_FIELDS if name in stored),
    )
    name = f"{shape.model.__name__}OutputSerializer"
    return _model_serializer(name, shape.model, names, attrs)


InspectionInputSerializer = input_serializer(shapes.INSPECTION)
AccidentInputSerializer = input_serializer(shapes.ACCIDENT)
InspectionOutputSerializer = output_serializer(shapes.INSPECTION)
AccidentOutputSerializer = output_serializer(shapes.ACCIDENT)
