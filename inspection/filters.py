"""List filters shared by the API and the inspectors' pages."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from core.models import Region

from .models import Accident, Inspection, InspectionKind, Victim, VictimOutcome
from .widgets import DateInput


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


class InspectionStatus:
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    CHOICES = ((COMPLETED, _("completed")), (IN_PROGRESS, _("in progress")))


class InspectionFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), label=_("Region"), help_text="Two-digit region code."
    )
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(
        field_name="started_on",
        lookup_expr="gte",
        widget=DateInput(),
        label=_("Started from"),
        help_text="Inspections started on or after this date.",
    )
    date_to = django_filters.DateFilter(
        field_name="started_on",
        lookup_expr="lte",
        widget=DateInput(),
        label=_("Started until"),
        help_text="Inspections started on or before this date.",
    )
    status = django_filters.ChoiceFilter(
        choices=InspectionStatus.CHOICES,
        method="filter_status",
        label=_("Status"),
        help_text="completed: completed_on is set; in_progress: it is not.",
    )
    q = django_filters.CharFilter(
        method="filter_subject",
        label=_("Subject BIN, IIN or name"),
        help_text="Digits the subject's BIN or IIN starts with, or words of its name.",
        max_length=200,
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

    def filter_subject(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(
                Q(subject_bin__startswith=value) | Q(subject_iin__startswith=value)
            )
        return queryset.filter(_all_words("subject_name", value))


def _all_words(field: str, text: str) -> Q:
    """Every word of ``text`` appears in ``field``, in any case and order."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(**{f"{field}__icontains": word.strip("«»\"'")})
    return condition


class AccidentFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), label=_("Region"), help_text="Two-digit region code."
    )
    date_from = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="gte",
        widget=DateInput(),
        label=_("Occurred from"),
        help_text="Accidents that occurred on or after this date.",
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="lte",
        widget=DateInput(),
        label=_("Occurred until"),
        help_text="Accidents that occurred on or before this date.",
    )
    outcome = django_filters.ChoiceFilter(
        choices=VictimOutcome.choices,
        method="filter_outcome",
        label=_("Victim outcome"),
        help_text="Accidents with at least one victim of this outcome.",
    )
    q = django_filters.CharFilter(
        method="filter_identifier",
        label=_("Employer BIN or name, victim IIN or name"),
        help_text="Digits the employer's BIN or a victim's IIN starts with, or words of a name.",
        max_length=200,
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Accident
        fields: list[str] = []

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(
            Exists(Victim.objects.filter(accident=OuterRef("pk"), outcome=value))
        )

    def filter_identifier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.filter(
                _all_words("employer_name", value)
                | Exists(
                    Victim.objects.filter(_all_words("full_name", value), accident=OuterRef("pk"))
                )
            )
        return queryset.filter(
            Q(employer_bin__startswith=value)
            | Exists(Victim.objects.filter(accident=OuterRef("pk"), iin__startswith=value))
        )
