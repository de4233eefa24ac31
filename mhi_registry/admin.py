"""Admin of the MHI registry: facts are read-only (written by feeds and services); the
document table of manual inclusions is reference data admins correct (with import/export)."""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from core.feeds.admin import FeedFactAdmin, ReadOnlyAdmin

from .models import (
    CategoryPeriod,
    DocumentKind,
    FailureWindow,
    InclusionDocument,
    ManualInclusion,
    Payment,
    PersonStatus,
    RequiredDocument,
    SecuritySnapshot,
    StatusLookup,
)


@admin.register(CategoryPeriod)
class CategoryPeriodAdmin(FeedFactAdmin):
    list_display = (
        "category",
        "assigned_on",
        "removed_on",
        "removal_reason",
        "version",
        "is_current",
        "delivered_on",
    )
    list_filter = ("category", "is_current")
    search_fields = ("=iin",)


@admin.register(Payment)
class PaymentAdmin(FeedFactAdmin):
    list_display = (
        "reference",
        "period",
        "received_on",
        "amount_kzt",
        "knp",
        "flags_text",
        "version",
        "delivered_on",
    )
    list_filter = ("knp", "is_current")
    search_fields = ("=iin", "=reference")


@admin.register(SecuritySnapshot)
class SecuritySnapshotAdmin(ReadOnlyAdmin):
    list_display = ("authority", "delivered_on", "sequence", "effective_on", "persons", "loaded_at")
    list_filter = ("authority",)


class InclusionDocumentInline(admin.TabularInline):
    model = InclusionDocument
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ManualInclusion)
class ManualInclusionAdmin(ReadOnlyAdmin):
    list_display = ("group", "application_date", "delivered_on", "operator", "loaded_at")
    list_filter = ("group",)
    search_fields = ("=iin",)
    inlines = [InclusionDocumentInline]


@admin.register(FailureWindow)
class FailureWindowAdmin(ReadOnlyAdmin):
    list_display = ("window", "version", "starts_on", "ends_on", "delivered_on", "declared_by")


@admin.register(PersonStatus)
class PersonStatusAdmin(ReadOnlyAdmin):
    list_display = ("computed_for", "valid_until", "refreshed_at")
    search_fields = ("=iin",)


@admin.register(StatusLookup)
class StatusLookupAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "channel", "on", "as_of")
    list_filter = ("channel",)


@admin.register(DocumentKind)
class DocumentKindAdmin(ImportExportModelAdmin):
    list_display = ("code", "name_kk", "name_ru", "name_en")


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(ImportExportModelAdmin):
    list_display = ("group", "slot", "kind")
    list_filter = ("group",)
