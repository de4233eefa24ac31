"""Admin for inspections, accidents and investigations, with their history.

Inlines check the same child rules as the services (``services.child_rule_errors``);
the database constraints back the rest. Every save records who made it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from . import services
from .models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionOrder,
    Investigation,
    Referral,
    Removal,
    Suspension,
    Victim,
    Violation,
)

TRACKED_MODELS = (
    Inspection,
    Violation,
    InspectionOrder,
    Fine,
    Suspension,
    Removal,
    Accident,
    Victim,
    Investigation,
    Referral,
    CriminalCase,
)


def _event_model(model):
    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")


class RuleCheckedFormSet(BaseInlineFormSet):
    """Child rows meet the services' rules against the parent being saved."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or form.errors:
                continue
            messages = services.child_rule_errors(record=form.instance, parent=self.instance)
            for field, field_messages in messages.items():
                form.add_error(field if field in form.fields else None, field_messages)


class AtLeastOneVictimFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        if not kept:
            raise ValidationError(_("An accident has at least one victim."))


class ChildInline(admin.TabularInline):
    extra = 0
    formset = RuleCheckedFormSet


class ViolationInline(ChildInline):
    model = Violation


class OrderInline(ChildInline):
    model = InspectionOrder


class FineInline(ChildInline):
    model = Fine


class SuspensionInline(ChildInline):
    model = Suspension


class RemovalInline(ChildInline):
    model = Removal


class InspectionReferralInline(ChildInline):
    model = Referral
    fk_name = "inspection"
    fields = ("sent_on",)


class InspectionCriminalCaseInline(ChildInline):
    model = CriminalCase
    fk_name = "inspection"
    fields = ("opened_on", "persons_prosecuted", "prosecuted_on")


class InvestigationReferralInline(InspectionReferralInline):
    fk_name = "investigation"


class InvestigationCriminalCaseInline(InspectionCriminalCaseInline):
    fk_name = "investigation"


class VictimInline(admin.TabularInline):
    model = Victim
    extra = 0
    min_num = 1
    formset = AtLeastOneVictimFormSet


class InvestigationInline(admin.StackedInline):
    model = Investigation
    extra = 0
    max_num = 1
    fields = ("region", "by_state_inspector", "completed_on", "details")
    readonly_fields = ("details",)

    @admin.display(description=_("referrals and criminal cases"))
    def details(self, obj: Investigation) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:inspection_investigation_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the investigation"))


class AuditedAdmin(admin.ModelAdmin):
    readonly_fields = ("created_at", "updated_at", "created_by", "updated_by", "history")
    list_select_related = ("region",)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            # A corrected child list is a change of the record (updated_since).
            form.instance.updated_by = request.user
            form.instance.save(update_fields=["updated_at", "updated_by"])

    @admin.display(description=_("history"))
    def history(self, obj) -> str:
        if not obj.pk:
            return "—"
        event = _event_model(type(obj))
        url = reverse(f"admin:{event._meta.app_label}_{event._meta.model_name}_changelist")
        return format_html(
            '<a href="{}?pgh_obj={}">{}</a>', url, obj.pk, _("Changes of this record")
        )


class InspectionResource(resources.ModelResource):
    region = fields.Field(attribute="region_id", column_name="region")

    class Meta:
        model = Inspection
        fields = (
            "id",
            "region",
            "subject_bin",
            "subject_iin",
            "subject_name",
            "kind",
            "started_on",
            "completed_on",
            "created_at",
            "updated_at",
        )


class AccidentResource(resources.ModelResource):
    region = fields.Field(attribute="region_id", column_name="region")

    class Meta:
        model = Accident
        fields = (
            "id",
            "kato",
            "region",
            "occurred_on",
            "employer_bin",
            "employer_name",
            "created_at",
            "updated_at",
        )


@admin.register(Inspection)
class InspectionAdmin(ExportMixin, AuditedAdmin):
    resource_classes = [InspectionResource]
    list_display = (
        "id",
        "region",
        "kind",
        "subject_bin",
        "subject_iin",
        "started_on",
        "completed_on",
        "updated_at",
    )
    list_filter = ("region", "kind", "started_on", "completed_on")
    search_fields = ("=id", "subject_bin", "subject_iin", "subject_name")
    date_hierarchy = "started_on"
    inlines = [
        ViolationInline,
        OrderInline,
        FineInline,
        SuspensionInline,
        RemovalInline,
        InspectionReferralInline,
        InspectionCriminalCaseInline,
    ]


@admin.register(Accident)
class AccidentAdmin(ExportMixin, AuditedAdmin):
    resource_classes = [AccidentResource]
    list_display = ("id", "region", "kato", "occurred_on", "employer_bin", "updated_at")
    list_filter = ("region", "occurred_on", "victims__outcome")
    search_fields = ("=id", "kato", "employer_bin", "employer_name")
    date_hierarchy = "occurred_on"
    inlines = [VictimInline, InvestigationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    list_display = ("id", "accident", "region", "by_state_inspector", "completed_on")
    list_filter = ("region", "by_state_inspector", "completed_on")
    list_select_related = ("accident", "region")
    search_fields = ("=id", "=accident__id")
    raw_id_fields = ("accident",)
    inlines = [InvestigationReferralInline, InvestigationCriminalCaseInline]


class EventAdmin(admin.ModelAdmin):
    """Read-only history rows written by database triggers (django-pghistory)."""

    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "acting_user")
    list_filter = ("pgh_label",)
    search_fields = ("=pgh_obj_id",)
    list_select_related = ("pgh_context",)
    ordering = ("-pgh_created_at", "-pgh_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup == "pgh_obj" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("user"))
    def acting_user(self, obj) -> str:
        context = obj.pgh_context
        user_id = context.metadata.get("user") if context is not None else None
        return str(user_id) if user_id is not None else "—"


for _model in TRACKED_MODELS:
    admin.site.register(_event_model(_model), EventAdmin)
