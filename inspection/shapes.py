"""The shape of an inspection and of an accident, written once (INTERFACES.md § Inspection).

Each record is a list of fields and of child lists. The API serializers
(``serializers``), the inspectors' page forms (``forms``) and the write services
(``services``) are all derived from these declarations: a field added here
appears in the three at once. The rules that relate fields (dates in order,
dates not before the parent's anchor date) sit on the child lists and are
checked by the services only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import models as records

# Field kinds: how a value is read from JSON and from a page.
TEXT = "text"
DATE = "date"
AMOUNT = "amount"  # tenge, two decimals, greater than zero
COUNT = "count"  # a whole number from 1
CHOICE = "choice"
IDENTIFIER = "identifier"  # an IIN or a BIN: 12 digits
KATO = "kato"  # 9 digits, the first two are the region
REGION = "region"  # a two-digit region code
FLAG = "flag"

MAX_TEXT = 10_000
MAX_INT = 2**31 - 1


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a record: its page label, its kind and what may be left out.

    ``required=False`` means the field may be empty (null, or blank text);
    ``api_help`` documents it in the OpenAPI schema; ``rows`` makes a text a
    text area of that height on the page, where ``help_text`` is shown under the
    field; a ``read_only`` field is derived by the service and only shown.
    """

    name: str
    label: str | Promise
    kind: str = TEXT
    required: bool = True
    max_length: int | None = None
    choices: Any = None
    api_help: str = ""
    rows: int | None = None
    default: Any = None
    read_only: bool = False
    help_text: str | Promise = ""


@dataclass(frozen=True, eq=False)
class ChildList:
    """A list of child records: the input key (and error prefix), the model, its fields.

    ``anchored`` dates may not precede the parent's anchor date (an inspection's
    start, an accident's date); ``ordered`` pairs are (later, earlier, message);
    ``extra_check(record, path, errors)`` adds any other rule; a list with an
    ``empty_message`` may not be empty.
    """

    key: str
    title: str | Promise
    model: type[models.Model]
    fields: tuple[Field, ...]
    related: str  # reverse accessor on the parent
    parent_fields: tuple[str, ...]  # foreign keys to parents, set when saving
    anchored: tuple[str, ...] = ()
    ordered: tuple[tuple[str, str, Any], ...] = ()
    extra_check: Callable[[Any, str, Any], None] | None = None
    empty_message: str | Promise | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True, eq=False)
class RecordShape:
    """A record: its model, its own fields, its child lists and the records it holds one
    of (``parts``, each under its ``key``; given as null, the part is deleted)."""

    key: str
    model: type[models.Model]
    fields: tuple[Field, ...]
    children: tuple[ChildList, ...] = ()
    parts: tuple[RecordShape, ...] = ()
    api_help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def writable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.read_only)

    @property
    def keys(self) -> frozenset[str]:
        return (
            frozenset(f.name for f in self.writable)
            | {c.key for c in self.children}
            | {p.key for p in self.parts}
        )


def _check_criminal_case(case: records.CriminalCase, path: str, errors) -> None:
    """Persons prosecuted and the date of prosecution go together (1-МЕИЖМ column 17)."""
    persons, prosecuted_on = case.persons_prosecuted, case.prosecuted_on
    here = f"{path}." if path else ""
    if persons is None and prosecuted_on is not None:
        errors.add(
            f"{here}persons_prosecuted",
            _("Give the number of persons prosecuted together with the date of prosecution."),
        )
    if prosecuted_on is None and persons is not None:
        errors.add(
            f"{here}prosecuted_on",
            _("Give the date of prosecution together with the number of persons prosecuted."),
        )
    if isinstance(persons, int) and persons < 1 and not errors.has(f"{here}persons_prosecuted"):
        errors.add(f"{here}persons_prosecuted", _("At least one person."))


VIOLATIONS = ChildList(
    key="violations",
    title=_("Violations"),
    model=records.Violation,
    fields=(
        Field("description", _("Violation"), max_length=MAX_TEXT, rows=1),
        Field("detected_on", _("Detected on"), DATE),
        Field("eliminated_on", _("Eliminated on"), DATE, required=False),
    ),
    related="violations",
    parent_fields=("inspection",),
    anchored=("detected_on",),
    ordered=(
        (
            "eliminated_on",
            "detected_on",
            _("A violation cannot be eliminated before it was detected."),
        ),
    ),
)
ORDERS = ChildList(
    key="orders",
    title=_("Orders"),
    model=records.InspectionOrder,
    fields=(
        Field("number", _("Order number"), max_length=64),
        Field("issued_on", _("Issued on"), DATE),
        Field("due_on", _("Due on"), DATE, required=False),
    ),
    related="orders",
    parent_fields=("inspection",),
    anchored=("issued_on",),
    ordered=(("due_on", "issued_on", _("The due date cannot precede the issue date.")),),
)
FINES = ChildList(
    key="fines",
    title=_("Administrative fines"),
    model=records.Fine,
    fields=(
        Field("imposed_on", _("Imposed on"), DATE),
        Field(
            "amount_kzt",
            _("Amount, tenge"),
            AMOUNT,
            api_help="Tenge, a decimal string greater than zero.",
        ),
    ),
    related="fines",
    parent_fields=("inspection",),
    anchored=("imposed_on",),
)
SUSPENSIONS = ChildList(
    key="suspensions",
    title=_("Suspensions"),
    model=records.Suspension,
    fields=(
        Field("kind", _("What was suspended"), CHOICE, choices=records.SuspensionKind.choices),
        Field("suspended_on", _("Suspended on"), DATE),
    ),
    related="suspensions",
    parent_fields=("inspection",),
    anchored=("suspended_on",),
)
REMOVALS = ChildList(
    key="removals",
    title=_("Workers removed from work"),
    model=records.Removal,
    fields=(
        Field("removed_on", _("Removed on"), DATE),
        Field("workers", _("Workers removed"), COUNT),
    ),
    related="removals",
    parent_fields=("inspection",),
    anchored=("removed_on",),
)
REFERRALS = ChildList(
    key="referrals",
    title=_("Materials sent to law enforcement"),
    model=records.Referral,
    fields=(Field("sent_on", _("Sent to law enforcement on"), DATE),),
    related="referrals",
    parent_fields=("inspection", "investigation"),
    anchored=("sent_on",),
)
CRIMINAL_CASES = ChildList(
    key="criminal_cases",
    title=_("Criminal cases"),
    model=records.CriminalCase,
    fields=(
        Field("opened_on", _("Case opened on"), DATE),
        Field("persons_prosecuted", _("Persons prosecuted"), COUNT, required=False),
        Field("prosecuted_on", _("Prosecuted on"), DATE, required=False),
    ),
    related="criminalcases",
    parent_fields=("inspection", "investigation"),
    anchored=("opened_on",),
    ordered=(
        ("prosecuted_on", "opened_on", _("Prosecution cannot precede the opening of the case.")),
    ),
    extra_check=_check_criminal_case,
)
VICTIMS = ChildList(
    key="victims",
    title=_("Victims"),
    model=records.Victim,
    fields=(
        Field("full_name", _("Full name"), max_length=300),
        Field(
            "iin",
            _("IIN (none for a foreigner)"),
            IDENTIFIER,
            required=False,
            api_help="Absent for a foreigner without an IIN.",
        ),
        Field("outcome", _("Outcome"), CHOICE, choices=records.VictimOutcome.choices),
    ),
    related="victims",
    parent_fields=("accident",),
    empty_message=_("An accident has at least one victim."),
)

REGION_HELP = "Two-digit region code; an inspector's own region."

INSPECTION = RecordShape(
    key="inspection",
    model=records.Inspection,
    fields=(
        Field("region", _("Region"), REGION, api_help=REGION_HELP),
        Field("kind", _("Kind"), CHOICE, choices=records.InspectionKind.choices),
        Field(
            "subject_bin",
            _("Subject BIN (legal entity)"),
            IDENTIFIER,
            required=False,
            api_help="BIN of the inspected legal entity; give it or subject_iin.",
        ),
        Field(
            "subject_iin",
            _("Subject IIN (individual)"),
            IDENTIFIER,
            required=False,
            api_help="IIN of the inspected individual; give it or subject_bin.",
        ),
        Field("subject_name", _("Subject name"), max_length=500, required=False),
        Field("started_on", _("Started on"), DATE),
        Field(
            "completed_on",
            _("Completed on (empty while in progress)"),
            DATE,
            required=False,
            api_help="Absent while in progress; 1-МЕИЖМ counts the inspection by this date.",
        ),
    ),
    children=(VIOLATIONS, ORDERS, FINES, SUSPENSIONS, REMOVALS, REFERRALS, CRIMINAL_CASES),
)

INVESTIGATION = RecordShape(
    key="investigation",
    model=records.Investigation,
    fields=(
        Field("region", _("Investigating region"), REGION, api_help=REGION_HELP),
        Field(
            "by_state_inspector",
            _("Investigated by a state labour inspector"),
            FLAG,
            default=True,
        ),
        Field("completed_on", _("Investigation completed on"), DATE, required=False),
    ),
    children=(REFERRALS, CRIMINAL_CASES),
    api_help="On PATCH: an object creates or edits the investigation, null deletes it.",
)

ACCIDENT = RecordShape(
    key="accident",
    model=records.Accident,
    fields=(
        Field(
            "kato",
            _("Place (КАТО code)"),
            KATO,
            api_help="КАТО code of the place; its first two digits are the region.",
            help_text=_("Nine digits; the first two are the region."),
        ),
        Field(
            "region",
            _("Region"),
            REGION,
            read_only=True,
            api_help="Two-digit region code: the first two digits of kato.",
        ),
        Field("occurred_on", _("Occurred on"), DATE),
        Field("employer_bin", _("Employer BIN"), IDENTIFIER),
        Field("employer_name", _("Employer name"), max_length=500, required=False),
        Field("description", _("Description"), max_length=MAX_TEXT, rows=3),
    ),
    children=(VICTIMS,),
    parts=(INVESTIGATION,),
)

# Every child list, by model (the same list may hang under two parents).
CHILD_LISTS: dict[type[models.Model], ChildList] = {
    spec.model: spec for spec in (*INSPECTION.children, *ACCIDENT.children)
}
