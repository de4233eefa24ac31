"""Forms of the inspectors' pages: one page holds a record and all its child lists.

A page is a main form plus formsets (``InspectionPageForms``, ``AccidentPageForms``).
The forms check shape; the rules are the services', whose field-path errors are put
back beside the fields they name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from core.limits import CHILD_ROWS_PER_LIST
from core.models import Region

from .models import (
    Accident,
    Inspection,
    InspectionKind,
    Investigation,
    SuspensionKind,
    VictimOutcome,
)
from .permissions import fixed_region_code
from .selectors import investigation_of
from .services import INSPECTION_CHILDREN, INVESTIGATION_CHILDREN, VICTIMS
from .widgets import DateInput

MAX_ROWS = CHILD_ROWS_PER_LIST


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _identifier(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}"}),
    )


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


def _region_field(user, *, label: str, required: bool = True) -> forms.ModelChoiceField:
    """A region select; an inspector's is preset to their region and locked."""
    field = forms.ModelChoiceField(queryset=Region.objects.all(), label=label, required=required)
    code = fixed_region_code(user)
    if code is not None:
        field.queryset = Region.objects.filter(code=code)
        field.initial = code
        field.disabled = True
    return field


# --- child rows ---------------------------------------------------------------------


class ChildForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ViolationForm(ChildForm):
    description = forms.CharField(
        label=_("Violation"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 1})
    )
    detected_on = _date(_("Detected on"))
    eliminated_on = _date(_("Eliminated on"), required=False)


class OrderForm(ChildForm):
    number = forms.CharField(label=_("Order number"), max_length=64)
    issued_on = _date(_("Issued on"))
    due_on = _date(_("Due on"), required=False)


class FineForm(ChildForm):
    imposed_on = _date(_("Imposed on"))
    amount_kzt = forms.DecimalField(label=_("Amount, tenge"), max_digits=14, decimal_places=2)


class SuspensionForm(ChildForm):
    kind = forms.ChoiceField(
        label=_("What was suspended"), choices=_choices(SuspensionKind.choices)
    )
    suspended_on = _date(_("Suspended on"))


class RemovalForm(ChildForm):
    removed_on = _date(_("Removed on"))
    workers = forms.IntegerField(label=_("Workers removed"), min_value=1, max_value=2**31 - 1)


class ReferralForm(ChildForm):
    sent_on = _date(_("Sent to law enforcement on"))


class CriminalCaseForm(ChildForm):
    opened_on = _date(_("Case opened on"))
    persons_prosecuted = forms.IntegerField(
        label=_("Persons prosecuted"), required=False, min_value=1, max_value=2**31 - 1
    )
    prosecuted_on = _date(_("Prosecuted on"), required=False)


class VictimForm(ChildForm):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    iin = _identifier(_("IIN (none for a foreigner)"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_choices(VictimOutcome.choices))


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


def _formset(form: type[forms.Form], extra: int = 0) -> type[RowFormSet]:
    return forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )


# The formsets of an inspection page: prefix (= service key) -> (title, formset class).
INSPECTION_FORMSETS: dict[str, tuple[Any, type[RowFormSet]]] = {
    "violations": (_("Violations"), _formset(ViolationForm)),
    "orders": (_("Orders"), _formset(OrderForm)),
    "fines": (_("Administrative fines"), _formset(FineForm)),
    "suspensions": (_("Suspensions"), _formset(SuspensionForm)),
    "removals": (_("Workers removed from work"), _formset(RemovalForm)),
    "referrals": (_("Materials sent to law enforcement"), _formset(ReferralForm)),
    "criminal_cases": (_("Criminal cases"), _formset(CriminalCaseForm)),
}
INVESTIGATION_FORMSETS: dict[str, tuple[Any, type[RowFormSet]]] = {
    "referrals": (_("Materials sent to law enforcement"), _formset(ReferralForm)),
    "criminal_cases": (_("Criminal cases"), _formset(CriminalCaseForm)),
}
INVESTIGATION_PREFIX = "investigation"


# --- main forms ---------------------------------------------------------------------


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(InspectionKind.choices))
    subject_bin = _identifier(_("Subject BIN (legal entity)"))
    subject_iin = _identifier(_("Subject IIN (individual)"))
    subject_name = forms.CharField(label=_("Subject name"), max_length=500, required=False)
    started_on = _date(_("Started on"))
    completed_on = _date(_("Completed on (empty while in progress)"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"region": _region_field(user, label=_("Region")), **self.fields}


class AccidentForm(forms.Form):
    kato = forms.CharField(
        label=_("Place (КАТО code)"),
        min_length=9,
        max_length=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{9}"}),
        help_text=_("Nine digits; the first two are the region."),
    )
    occurred_on = _date(_("Occurred on"))
    employer_bin = _identifier(_("Employer BIN"), required=True)
    employer_name = forms.CharField(label=_("Employer name"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = fixed_region_code(user)
        if code is not None and not self.initial.get("kato"):
            region = Region.objects.filter(code=code).first()
            if region is not None:
                self.fields["kato"].initial = region.kato


class InvestigationForm(forms.Form):
    present = forms.BooleanField(
        label=_("The accident is investigated"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-testid": "investigation-present"}),
    )
    by_state_inspector = forms.BooleanField(
        label=_("Investigated by a state labour inspector"), required=False, initial=True
    )
    completed_on = _date(_("Investigation completed on"), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = _region_field(user, label=_("Investigating region"), required=False)


# --- pages --------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _tokens(path: str) -> list[str | int]:
    return [name or int(index) for name, index in _PATH_TOKEN.findall(path)]


def _add_error(form: forms.Form, field: str | None, message: str) -> None:
    """Beside the field it names; above the form for a hidden or unknown field."""
    if field is None or field not in form.fields or form.fields[field].widget.is_hidden:
        form.add_error(None, message)
    else:
        form.add_error(field, message)


def _formset_error(formset: RowFormSet, tokens: list[str | int], message: str) -> None:
    """Put a service error on the row (and field) it names; the list itself otherwise."""
    if len(tokens) >= 1 and isinstance(tokens[0], int):
        kept = formset.kept_forms()
        if tokens[0] < len(kept):
            field = tokens[1] if len(tokens) > 1 and isinstance(tokens[1], str) else None
            _add_error(kept[tokens[0]], field, message)
            return
    formset.non_form_errors().append(message)


def _child_initial(objects, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"id": obj.pk, **{name: getattr(obj, name) for name in fields}} for obj in objects]


class _PageForms:
    """A main form and its formsets, validated together."""

    form: forms.Form
    formsets: dict[str, RowFormSet]

    def all_forms(self) -> list[forms.Form | RowFormSet]:
        return [self.form, *self.formsets.values()]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.all_forms()])

    def has_errors(self) -> bool:
        return any(
            part.errors if isinstance(part, forms.Form) else part.total_error_count()
            for part in self.all_forms()
        )


class InspectionPageForms(_PageForms):
    def __init__(self, data=None, *, user, inspection: Inspection | None = None) -> None:
        initial: dict[str, Any] = {}
        children: dict[str, list[dict[str, Any]]] = {}
        if inspection is not None:
            initial = {
                name: getattr(inspection, name)
                for name in (
                    "kind",
                    "subject_bin",
                    "subject_iin",
                    "subject_name",
                    "started_on",
                    "completed_on",
                )
            }
            initial["region"] = inspection.region_id
            for spec in INSPECTION_CHILDREN:
                children[spec.key] = _child_initial(
                    getattr(inspection, spec.related).all(), spec.fields
                )
        self.form = InspectionForm(data, user=user, initial=initial)
        self.titles = {key: title for key, (title, _cls) in INSPECTION_FORMSETS.items()}
        self.formsets = {
            key: formset_class(data, prefix=key, initial=children.get(key))
            for key, (_title, formset_class) in INSPECTION_FORMSETS.items()
        }

    def service_data(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        data: dict[str, Any] = {
            "region": cleaned["region"].code,
            "kind": cleaned["kind"],
            "subject_bin": cleaned["subject_bin"] or None,
            "subject_iin": cleaned["subject_iin"] or None,
            "subject_name": cleaned["subject_name"],
            "started_on": cleaned["started_on"],
            "completed_on": cleaned["completed_on"],
        }
        for key, formset in self.formsets.items():
            data[key] = formset.rows()
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        for path, messages in exc.message_dict.items():
            tokens = _tokens(path) or [NON_FIELD_ERRORS]
            head = tokens[0]
            for message in messages:
                if isinstance(head, str) and head in self.formsets:
                    _formset_error(self.formsets[head], tokens[1:], message)
                else:
                    _add_error(self.form, head if isinstance(head, str) else None, message)

    @property
    def sections(self) -> list[tuple[str, Any, RowFormSet]]:
        return [(key, self.titles[key], formset) for key, formset in self.formsets.items()]


class AccidentPageForms(_PageForms):
    def __init__(self, data=None, *, user, accident: Accident | None = None) -> None:
        initial: dict[str, Any] = {}
        victims: list[dict[str, Any]] | None = None
        inv_initial: dict[str, Any] = {}
        inv_children: dict[str, list[dict[str, Any]]] = {}
        if accident is not None:
            initial = {
                name: getattr(accident, name)
                for name in ("kato", "occurred_on", "employer_bin", "employer_name", "description")
            }
            victims = _child_initial(accident.victims.all(), VICTIMS.fields)
            investigation: Investigation | None = investigation_of(accident)
            if investigation is not None:
                inv_initial = {
                    "present": True,
                    "region": investigation.region_id,
                    "by_state_inspector": investigation.by_state_inspector,
                    "completed_on": investigation.completed_on,
                }
                for spec in INVESTIGATION_CHILDREN:
                    inv_children[spec.key] = _child_initial(
                        getattr(investigation, spec.related).all(), spec.fields
                    )
        self.form = AccidentForm(data, user=user, initial=initial)
        victims_formset = _formset(VictimForm, extra=0 if victims else 1)
        self.victims = victims_formset(data, prefix="victims", initial=victims)
        self.investigation = InvestigationForm(
            data, user=user, prefix=INVESTIGATION_PREFIX, initial=inv_initial
        )
        self.titles = {key: title for key, (title, _cls) in INVESTIGATION_FORMSETS.items()}
        self.investigation_formsets = {
            key: formset_class(
                data, prefix=f"{INVESTIGATION_PREFIX}_{key}", initial=inv_children.get(key)
            )
            for key, (_title, formset_class) in INVESTIGATION_FORMSETS.items()
        }
        self.formsets = {"victims": self.victims, **self.investigation_formsets}

    def all_forms(self) -> list[forms.Form | RowFormSet]:
        return [self.form, self.investigation, *self.formsets.values()]

    def service_data(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        data: dict[str, Any] = {
            "kato": cleaned["kato"],
            "occurred_on": cleaned["occurred_on"],
            "employer_bin": cleaned["employer_bin"],
            "employer_name": cleaned["employer_name"],
            "description": cleaned["description"],
            "victims": self.victims.rows(),
        }
        inv = self.investigation.cleaned_data
        if inv.get("present"):
            region = inv.get("region")
            data["investigation"] = {
                "region": region.code if region is not None else None,
                "by_state_inspector": inv["by_state_inspector"],
                "completed_on": inv["completed_on"],
                **{key: fs.rows() for key, fs in self.investigation_formsets.items()},
            }
        else:
            data["investigation"] = None
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        for path, messages in exc.message_dict.items():
            tokens = _tokens(path) or [NON_FIELD_ERRORS]
            head = tokens[0]
            for message in messages:
                if head == "victims":
                    _formset_error(self.victims, tokens[1:], message)
                elif head == INVESTIGATION_PREFIX:
                    rest = tokens[1:]
                    if rest and rest[0] in self.investigation_formsets:
                        formset = self.investigation_formsets[rest[0]]
                        _formset_error(formset, rest[1:], message)
                    else:
                        name = rest[0] if rest and isinstance(rest[0], str) else None
                        _add_error(self.investigation, name, message)
                else:
                    _add_error(self.form, head if isinstance(head, str) else None, message)

    @property
    def investigation_sections(self) -> list[tuple[str, Any, RowFormSet]]:
        return [
            (f"{INVESTIGATION_PREFIX}_{key}", self.titles[key], formset)
            for key, formset in self.investigation_formsets.items()
        ]
