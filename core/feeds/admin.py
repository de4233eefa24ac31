"""Admin of feed runs (read-only): files with their outcome, and the rejected rows.

Imported by core/admin.py. Loading happens only through the pipeline (the
command and the inbox task), never by editing here.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import FeedFile, FeedRejection


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedFile)
class FeedFileAdmin(ReadOnlyAdmin):
    list_display = (
        "file_name",
        "feed",
        "delivered_on",
        "status",
        "rows",
        "loaded",
        "unchanged",
        "superseded",
        "rejected_rows",
        "started_at",
        "finished_at",
    )
    list_filter = ("feed", "status", "delivered_on")
    search_fields = ("file_name", "sha256")
    date_hierarchy = "started_at"
    readonly_fields = (
        "feed",
        "file_name",
        "status",
        "delivered_on",
        "sha256",
        "size",
        "rows",
        "loaded",
        "unchanged",
        "superseded",
        "rejected_rows",
        "summary",
        "error",
        "duplicate_of",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields

    @admin.display(description=_("rejected"), ordering="rejected")
    def rejected_rows(self, obj: FeedFile) -> str:
        if not obj.rejected:
            return "0"
        url = reverse("admin:core_feedrejection_changelist") + f"?feed_file__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.rejected)


@admin.register(FeedRejection)
class FeedRejectionAdmin(ReadOnlyAdmin):
    list_display = ("feed_file", "row_number", "column", "value", "reason_text")
    list_filter = ("feed_file__feed", "column", "reason")
    list_select_related = ("feed_file",)
    search_fields = ("=feed_file__file_name", "value")
    readonly_fields = ("feed_file", "row_number", "column", "value", "reason_text")
    fields = readonly_fields
    raw_id_fields = ("feed_file",)
    show_full_result_count = False

    @admin.display(description=_("reason"), ordering="reason")
    def reason_text(self, obj: FeedRejection) -> str:
        return gettext(obj.reason)
