"""Filters of the violators (tracked cases) page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import OkedSection, Region

from .models import CaseState, ViolatorCase

SORTS = (
    ("-employees_on_date", _("employees, most first")),
    ("employees_on_date", _("employees, fewest first")),
    ("employer_name", _("name")),
    ("-opened_on", _("opened, newest first")),
    ("opened_on", _("opened, oldest first")),
    ("last_cover_ends_on", _("last cover ended")),
)


class CaseFilterSet(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.order_by("kato"), label=_("Region")
    )
    oked_section = django_filters.ModelChoiceFilter(
        queryset=OkedSection.objects.order_by("code"),
        label=_("ОКЭД section"),
        method="filter_section",
    )
    risk_class = django_filters.NumberFilter(label=_("Risk class"))
    employees_min = django_filters.NumberFilter(
        field_name="employees_on_date", lookup_expr="gte", label=_("Employees from")
    )
    employees_max = django_filters.NumberFilter(
        field_name="employees_on_date", lookup_expr="lte", label=_("Employees to")
    )
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label=_("State"))
    q = django_filters.CharFilter(label=_("BIN or name"), method="filter_q")
    sort = django_filters.OrderingFilter(
        fields=(
            ("employees_on_date", "employees_on_date"),
            ("employer_name", "employer_name"),
            ("opened_on", "opened_on"),
            ("last_cover_ends_on", "last_cover_ends_on"),
        ),
        choices=SORTS,
        label=_("Sort by"),
    )

    class Meta:
        model = ViolatorCase
        fields: list[str] = []

    def filter_section(self, queryset, name, value):
        return queryset.filter(oked_section=value.code) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(employer_bin__startswith=value)
        return queryset.filter(employer_name__icontains=value) if value else queryset
