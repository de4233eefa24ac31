"""List filters shared by the API and the inspectors' pages."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.api.filters import UpdatedSinceFilter
from core.models import Region

from .models import Accident, Inspection, InspectionKind, Victim, VictimOutcome
from .widgets import DateInput


def _dates(field: str, labels: tuple, help_texts: tuple) -> tuple[django_filters.DateFilter, ...]:
    """``date_from`` and ``date_to``: the record's date on or after, on or before."""
    return tuple(
        django_filters.DateFilter(
            field_name=field, lookup_expr=lookup, widget=DateInput(), label=label, help_text=text
        )
        for lookup, label, text in zip(("gte", "lte"), labels, help_texts, strict=True)
    )


def _search(
    label, help_text: str, by_digits: Callable[[str], Q], by_words: Callable[[str], Q]
) -> django_filters.CharFilter:
    """Records found by the digits their identifiers start with (``by_digits``), or by
    every word of a name (``by_words``)."""

    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(by_digits(value) if value.isdigit() else by_words(value))

    return django_filters.CharFilter(
        method=method, label=label, help_text=help_text, max_length=200
    )


def _all_words(field: str, text: str) -> Q:
    """Every word of ``text`` appears in ``field``, in any case and order."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(**{f"{field}__icontains": word.strip("«»\"'")})
    return condition


def _victim(*conditions: Q, **lookup) -> Exists:
    return Exists(Victim.objects.filter(*conditions, accident=OuterRef("pk"), **lookup))


class _RecordFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), label=_("Region"), help_text="Two-digit region code."
    )


class InspectionStatus:
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    CHOICES = ((COMPLETED, _("completed")), (IN_PROGRESS, _("in progress")))


class InspectionFilterSet(_RecordFilterSet):
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    date_from, date_to = _dates(
        "started_on",
        (_("Started from"), _("Started until")),
        (
            "Inspections started on or after this date.",
            "Inspections started on or before this date.",
        ),
    )
    status = django_filters.ChoiceFilter(
        choices=InspectionStatus.CHOICES,
        method="filter_status",
        label=_("Status"),
        help_text="completed: completed_on is set; in_progress: it is not.",
    )
    q = _search(
        _("Subject BIN, IIN or name"),
        "Digits the subject's BIN or IIN starts with, or words of its name.",
        lambda v: Q(subject_bin__startswith=v) | Q(subject_iin__startswith=v),
        lambda v: _all_words("subject_name", v),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Inspection
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == InspectionStatus.COMPLETED:
            return queryset.filter(completed_on__isnull=False)
        if value == InspectionStatus.IN_PROGRESS:
            return queryset.filter(completed_on__isnull=True)
        return queryset


class AccidentFilterSet(_RecordFilterSet):
    date_from, date_to = _dates(
        "occurred_on",
        (_("Occurred from"), _("Occurred until")),
        (
            "Accidents that occurred on or after this date.",
            "Accidents that occurred on or before this date.",
        ),
    )
    outcome = django_filters.ChoiceFilter(
        choices=VictimOutcome.choices,
        method="filter_outcome",
        label=_("Victim outcome"),
        help_text="Accidents with at least one victim of this outcome.",
    )
    q = _search(
        _("Employer BIN or name, victim IIN or name"),
        "Digits the employer's BIN or a victim's IIN starts with, or words of a name.",
        lambda v: Q(employer_bin__startswith=v) | _victim(iin__startswith=v),
        lambda v: _all_words("employer_name", v) | _victim(_all_words("full_name", v)),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Accident
        fields: list[str] = []

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(_victim(outcome=value)) if value else queryset
