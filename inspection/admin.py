"""Admin for inspections, accidents and investigations: read-only, with their history.

Records are written only through the services, on the inspectors' pages and the
REST API; each change page links to the record's own page for corrections.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from core.audit import ACTING_USER

from .models import Accident, Inspection, Investigation
from .shapes import ACCIDENT, CHILD_LISTS, INSPECTION, INVESTIGATION, RecordShape

TRACKED_MODELS = (
    *(shape.model for shape in (INSPECTION, ACCIDENT, INVESTIGATION)),
    *CHILD_LISTS,
)


def _event_model(model):
    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")


class ReadOnly:
    """Shown, never written here: the services are the one write path."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    has_change_permission = has_delete_permission = has_add_permission


def _inline(model, fk_name: str | None = None, names: tuple[str, ...] = ()) -> type:
    attrs = {"model": model, "extra": 0, "fk_name": fk_name}
    if names:
        attrs["fields"] = names
    return type(f"{model.__name__}Inline", (ReadOnly, admin.TabularInline), attrs)


def _child_inlines(shape: RecordShape, fk_name: str) -> list[type]:
    return [_inline(spec.model, fk_name, spec.names) for spec in shape.children]


class InvestigationInline(ReadOnly, admin.StackedInline):
    model = Investigation
    fields = ("region", "by_state_inspector", "completed_on", "details")
    readonly_fields = ("details",)

    @admin.display(description=_("referrals and criminal cases"))
    def details(self, obj: Investigation) -> str:
        url = reverse("admin:inspection_investigation_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the investigation"))


class RecordAdmin(ReadOnly, ExportMixin, admin.ModelAdmin):
    """A record's fields, its child lists, its history and a link to its edit page."""

    edit_url = ""
    list_select_related = ("region",)

    def get_readonly_fields(self, request, obj=None):
        return ("edit", *(f.name for f in self.model._meta.fields), "history")

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("correction"))
    def edit(self, obj) -> str:
        url = reverse(self.edit_url, args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Correct it on the inspectors' page"))

    @admin.display(description=_("history"))
    def history(self, obj) -> str:
        event = _event_model(type(obj))
        url = reverse(f"admin:{event._meta.app_label}_{event._meta.model_name}_changelist")
        return format_html(
            '<a href="{}?pgh_obj={}">{}</a>', url, obj.pk, _("Changes of this record")
        )


def _resource(shape: RecordShape, *extra: str) -> type[resources.ModelResource]:
    meta = type("Meta", (), {"model": shape.model, "fields": ("id", *shape.names, *extra)})
    region = fields.Field(attribute="region_id", column_name="region")
    name = f"{shape.model.__name__}Resource"
    return type(name, (resources.ModelResource,), {"region": region, "Meta": meta})


@admin.register(Inspection)
class InspectionAdmin(RecordAdmin):
    edit_url = "inspection:inspection-edit"
    resource_classes = [_resource(INSPECTION, "created_at", "updated_at")]
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
    inlines = _child_inlines(INSPECTION, "inspection")


@admin.register(Accident)
class AccidentAdmin(RecordAdmin):
    edit_url = "inspection:accident-edit"
    resource_classes = [_resource(ACCIDENT, "created_at", "updated_at")]
    list_display = ("id", "region", "kato", "occurred_on", "employer_bin", "updated_at")
    list_filter = ("region", "occurred_on", "victims__outcome")
    search_fields = ("=id", "kato", "employer_bin", "employer_name")
    date_hierarchy = "occurred_on"
    inlines = [*_child_inlines(ACCIDENT, "accident"), InvestigationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Investigation)
class InvestigationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "accident", "region", "by_state_inspector", "completed_on")
    list_filter = ("region", "by_state_inspector", "completed_on")
    list_select_related = ("accident", "region")
    search_fields = ("=id", "=accident__id")
    inlines = _child_inlines(INVESTIGATION, "investigation")


class EventAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only history rows written by database triggers (django-pghistory)."""

    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "acting_user")
    list_filter = ("pgh_label",)
    search_fields = ("=pgh_obj_id",)
    list_select_related = ("pgh_context",)
    ordering = ("-pgh_created_at", "-pgh_id")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup == "pgh_obj" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("user"))
    def acting_user(self, obj) -> str:
        context = obj.pgh_context
        user_id = context.metadata.get(ACTING_USER) if context is not None else None
        return str(user_id) if user_id is not None else "—"


for _model in TRACKED_MODELS:
    admin.site.register(_event_model(_model), EventAdmin)
