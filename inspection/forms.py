"""Forms of the inspectors' pages: one page holds a record and all its child lists.

A page is a main form plus formsets (``InspectionPageForms``, ``AccidentPageForms``),
all derived from ``shapes``. The forms check shape; the rules are the services',
whose errors (nested by ``core.errors.nest_error_paths``, as the API answers them)
are put back beside the fields they name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import NON_FIELD, nest_error_paths
from core.limits import CHILD_ROWS_PER_LIST
from core.models import Region

from . import shapes
from .models import Accident, Inspection
from .permissions import fixed_region_code
from .selectors import investigation_of
from .shapes import ChildList, Field, RecordShape
from .widgets import DateInput

MAX_ROWS = CHILD_ROWS_PER_LIST
DIGITS = {shapes.IDENTIFIER: 12, shapes.KATO: 9}
INVESTIGATION_PREFIX = shapes.INVESTIGATION.key


def _form_field(field: Field) -> forms.Field:
    common = {"label": field.label, "required": field.required, "help_text": field.help_text}
    if field.kind in DIGITS:
        n = DIGITS[field.kind]
        widget = forms.TextInput(attrs={"inputmode": "numeric", "pattern": f"[0-9]{{{n}}}"})
        min_length = n if field.kind == shapes.KATO else None
        return forms.CharField(max_length=n, min_length=min_length, widget=widget, **common)
    if field.kind == shapes.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if field.kind == shapes.AMOUNT:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if field.kind == shapes.COUNT:
        return forms.IntegerField(min_value=1, max_value=shapes.MAX_INT, **common)
    if field.kind == shapes.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *field.choices], **common)
    if field.kind == shapes.FLAG:
        return forms.BooleanField(
            label=field.label, required=False, initial=field.default, help_text=field.help_text
        )
    widget = forms.Textarea(attrs={"rows": field.rows}) if field.rows else None
    return forms.CharField(max_length=field.max_length, widget=widget, **common)


def _region_field(user, field: Field, *, required: bool) -> forms.ModelChoiceField:
    """A region select; an inspector's is preset to their region and locked."""
    select = forms.ModelChoiceField(
        queryset=Region.objects.all(), label=field.label, required=required
    )
    code = fixed_region_code(user)
    if code is not None:
        select.queryset = Region.objects.filter(code=code)
        select.initial = code
        select.disabled = True
    return select


class ShapeForm(forms.Form):
    """The fields of a record's shape; the region select depends on the user."""

    shape: RecordShape
    regions_required = True

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.shape.writable:
            if field.kind == shapes.REGION:
                self.fields[field.name] = _region_field(user, field, required=self.regions_required)
        self.order_fields(self.field_order or self.shape.names)

    def service_data(self) -> dict[str, Any]:
        data = {f.name: self.cleaned_data.get(f.name) for f in self.shape.writable}
        return {k: v.code if isinstance(v, Region) else v for k, v in data.items()}


@cache
def shape_form(shape: RecordShape) -> type[ShapeForm]:
    attrs: dict[str, Any] = {
        f.name: _form_field(f) for f in shape.writable if f.kind != shapes.REGION
    }
    attrs["shape"] = shape
    return type(f"{shape.model.__name__}Form", (ShapeForm,), attrs)


class AccidentForm(shape_form(shapes.ACCIDENT)):
    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        code = fixed_region_code(user)
        # The place picker (static/inspection/place-picker.js): places found by name or
        # code as the user types; any 9 digits are still taken (the table may be partial).
        typed = self.fields["kato"]
        self.fields["kato"] = forms.CharField(
            label=typed.label,
            required=typed.required,
            validators=[RegexValidator(r"^[0-9]{9}$", _("A КАТО code has 9 digits."))],
            help_text=_(
                "Type a place name in Kazakh or Russian, or the first digits of its code, "
                "and choose from the list. A code not in the list is accepted when its first "
                "two digits are a region."
            ),
            widget=forms.TextInput(
                attrs={
                    "list": "kato-places",
                    "autocomplete": "off",
                    "data-place-picker": reverse("place-search"),
                    "data-place-region": code or "",
                    "aria-describedby": "kato-place-name",
                }
            ),
        )
        if code is not None and not self.initial.get("kato"):
            region = Region.objects.filter(code=code).first()
            if region is not None:
                self.fields["kato"].initial = region.kato


class InvestigationForm(shape_form(shapes.INVESTIGATION)):
    """Shown under the accident: its fields count only when ``present`` is ticked."""

    regions_required = False
    field_order = ["present", "by_state_inspector", "completed_on", "region"]
    present = forms.BooleanField(
        label=_("The accident is investigated"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-testid": "investigation-present"}),
    )


# --- child rows ---------------------------------------------------------------------


class ChildForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class RowFormSet(forms.BaseFormSet):
    """Rows are added and removed in place by static/inspection/formset.js."""

    deletion_widget = forms.CheckboxInput(attrs={"hidden": True, "class": "formset-delete"})

    def kept_forms(self) -> list[forms.Form]:
        """Filled-in rows not marked for deletion, in page order."""
        return [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for form in self.kept_forms():
            row = {k: v for k, v in form.cleaned_data.items() if k not in ("DELETE", "id")}
            if form.cleaned_data.get("id"):
                row["id"] = form.cleaned_data["id"]
            rows.append(row)
        return rows


@cache
def child_formset(spec: ChildList, extra: int = 0) -> type[RowFormSet]:
    attrs = {f.name: _form_field(f) for f in spec.fields}
    form = type(f"{spec.model.__name__}Form", (ChildForm,), attrs)
    limits = {"max_num": MAX_ROWS, "absolute_max": MAX_ROWS, "validate_max": True}
    return forms.formset_factory(form, formset=RowFormSet, extra=extra, can_delete=True, **limits)


# --- placing service errors -----------------------------------------------------------


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    return list(value)


def _add_error(form: forms.Form, field: Any, value: Any) -> None:
    """Beside the field it names; above the form for a hidden or unknown field."""
    if (
        not isinstance(field, str)
        or field not in form.fields
        or form.fields[field].widget.is_hidden
    ):
        field = None
    for message in _messages(value):
        form.add_error(field, message)


def _formset_errors(formset: RowFormSet, value: Any) -> None:
    """Each row's errors on the row (and field) they name; the list's own above it."""
    kept = formset.kept_forms()
    for key, row_value in value.items() if isinstance(value, dict) else [(None, value)]:
        if isinstance(key, int) and key < len(kept):
            for field, messages in (
                row_value.items() if isinstance(row_value, dict) else [(None, row_value)]
            ):
                _add_error(kept[key], field, messages)
        else:
            formset.non_form_errors().extend(_messages(row_value))


class _PageForms:
    """A main form and its formsets (and parts: a form with formsets of its own)."""

    form: ShapeForm
    formsets: dict[str, RowFormSet]
    parts: dict[str, tuple[forms.Form, dict[str, RowFormSet]]] = {}

    def all_forms(self) -> list[forms.Form | RowFormSet]:
        parts = [p for form, formsets in self.parts.values() for p in (form, *formsets.values())]
        return [self.form, *self.formsets.values(), *parts]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.all_forms()])

    def has_errors(self) -> bool:
        return any(
            part.errors if isinstance(part, forms.Form) else part.total_error_count()
            for part in self.all_forms()
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        tree = nest_error_paths(exc.message_dict)
        _place(tree, self.form, self.formsets, self.parts)


def _place(tree: dict, form, formsets: dict, parts: dict) -> None:
    for key, value in tree.items():
        if key in formsets:
            _formset_errors(formsets[key], value)
        elif key in parts and isinstance(value, dict):
            _place(value, *parts[key], {})
        else:
            _add_error(form, key if key != NON_FIELD else None, value)


def _initial(record, shape: RecordShape | ChildList) -> dict[str, Any]:
    return {name: getattr(record, name) for name in shape.names}


def _rows(parent, spec: ChildList) -> list[dict[str, Any]]:
    return [{"id": obj.pk, **_initial(obj, spec)} for obj in getattr(parent, spec.related).all()]


def _children(parent, shape: RecordShape) -> dict[str, list[dict[str, Any]]]:
    return {spec.key: _rows(parent, spec) for spec in shape.children} if parent else {}


def _formsets(shape: RecordShape, data, prefix: str, initial: dict) -> dict[str, RowFormSet]:
    return {
        spec.key: child_formset(spec)(
            data, prefix=f"{prefix}{spec.key}", initial=initial.get(spec.key)
        )
        for spec in shape.children
    }


class InspectionPageForms(_PageForms):
    def __init__(self, data=None, *, user, inspection: Inspection | None = None) -> None:
        initial = _initial(inspection, shapes.INSPECTION) if inspection else {}
        self.form = shape_form(shapes.INSPECTION)(data, user=user, initial=initial)
        self.formsets = _formsets(
            shapes.INSPECTION, data, "", _children(inspection, shapes.INSPECTION)
        )

    def service_data(self) -> dict[str, Any]:
        data = self.form.service_data()
        data.update({key: formset.rows() for key, formset in self.formsets.items()})
        return data

    @property
    def sections(self) -> list[tuple[str, Any, RowFormSet]]:
        return [
            (spec.key, spec.title, self.formsets[spec.key]) for spec in shapes.INSPECTION.children
        ]


class AccidentPageForms(_PageForms):
    def __init__(self, data=None, *, user, accident: Accident | None = None) -> None:
        initial = _initial(accident, shapes.ACCIDENT) if accident else {}
        victims = _children(accident, shapes.ACCIDENT).get(shapes.VICTIMS.key)
        investigation = investigation_of(accident) if accident else None
        inv_initial = {}
        if investigation is not None:
            inv_initial = {"present": True, **_initial(investigation, shapes.INVESTIGATION)}
        self.form = AccidentForm(data, user=user, initial=initial)
        formset = child_formset(shapes.VICTIMS, extra=0 if victims else 1)
        self.victims = formset(data, prefix=shapes.VICTIMS.key, initial=victims)
        self.formsets = {shapes.VICTIMS.key: self.victims}
        self.investigation = InvestigationForm(
            data, user=user, prefix=INVESTIGATION_PREFIX, initial=inv_initial
        )
        self.investigation_formsets = _formsets(
            shapes.INVESTIGATION,
            data,
            f"{INVESTIGATION_PREFIX}_",
            _children(investigation, shapes.INVESTIGATION),
        )
        self.parts = {INVESTIGATION_PREFIX: (self.investigation, self.investigation_formsets)}

    def service_data(self) -> dict[str, Any]:
        data = self.form.service_data()
        data[shapes.VICTIMS.key] = self.victims.rows()
        data[INVESTIGATION_PREFIX] = None
        if self.investigation.cleaned_data.get("present"):
            data[INVESTIGATION_PREFIX] = {
                **self.investigation.service_data(),
                **{key: fs.rows() for key, fs in self.investigation_formsets.items()},
            }
        return data

    @property
    def investigation_sections(self) -> list[tuple[str, Any, RowFormSet]]:
        return [
            (
                f"{INVESTIGATION_PREFIX}_{spec.key}",
                spec.title,
                self.investigation_formsets[spec.key],
            )
            for spec in shapes.INVESTIGATION.children
        ]
