"""Admin of feed runs (read-only): files with their outcome and progress, the rejected and
flagged rows, and ``FeedFactAdmin`` for the apps' fact models (flags beside the fact).

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

from .progress import STEPS


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
        "progress",
        "rows",
        "loaded",
        "unchanged",
        "superseded",
        "rejected_rows",
        "flagged_rows",
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
        "flagged_rows",
        "progress",
        "summary",
        "error",
        "duplicate_of",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields

    @staticmethod
    def _problems_link(obj: FeedFile, kind: str, count: int) -> str:
        if not count:
            return "0"
        url = (
            reverse("admin:core_feedrejection_changelist")
            + f"?feed_file__id__exact={obj.pk}&kind__exact={kind}"
        )
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("rejected"), ordering="rejected")
    def rejected_rows(self, obj: FeedFile) -> str:
        return self._problems_link(obj, FeedRejection.Kind.REJECT, obj.rejected)

    @admin.display(description=_("flagged"), ordering="flagged")
    def flagged_rows(self, obj: FeedFile) -> str:
        return self._problems_link(obj, FeedRejection.Kind.FLAG, obj.flagged)

    @admin.display(description=_("progress"))
    def progress(self, obj: FeedFile) -> str:
        """While loading: the step, rows done and when last reported."""
        if obj.status != FeedFile.Status.LOADING:
            return "-"
        if not obj.step:
            return gettext("starting")
        when = obj.progress_at.strftime("%H:%M:%S") if obj.progress_at else ""
        return gettext("%(step)s: %(rows)s rows (%(when)s)") % {
            "step": STEPS.get(obj.step, obj.step),
            "rows": f"{obj.rows_done:,}".replace(",", "\u00a0"),
            "when": when,
        }


@admin.register(FeedRejection)
class FeedRejectionAdmin(ReadOnlyAdmin):
    list_display = ("feed_file", "row_number", "kind", "column", "value", "reason_text")
    list_filter = ("kind", "feed_file__feed", "column", "reason")
    list_select_related = ("feed_file",)
    search_fields = ("=feed_file__file_name", "value")
    readonly_fields = ("feed_file", "row_number", "kind", "column", "value", "reason_text")
    fields = readonly_fields
    raw_id_fields = ("feed_file",)
    show_full_result_count = False

    @admin.display(description=_("reason"), ordering="reason")
    def reason_text(self, obj: FeedRejection) -> str:
        return gettext(obj.reason)


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flags")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("flagged")), ("no", _("not flagged"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.flagged()
        if self.value() == "no":
            return queryset.filter(flags=[])
        return queryset


class FeedFactAdmin(ReadOnlyAdmin):
    """Base admin of a feed's fact model: read-only (written only by the feed and the
    services), every version, its flags beside it and a link to its file."""

    show_full_result_count = False

    def get_fields(self, request, obj=None):
        # The flags in the reader's language and the file as a link, instead of raw values.
        shown = [f.name for f in self.model._meta.fields if f.name not in ("flags", "feed_file")]
        at = shown.index("delivered_on") + 1 if "delivered_on" in shown else len(shown)
        return [*shown[:at], "flags_text", "feed_file_link", *shown[at:]]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_list_filter(self, request):
        return (FlaggedFilter, *super().get_list_filter(request))

    @admin.display(description=_("flags"))
    def flags_text(self, obj) -> str:
        return obj.flags_display or "-"

    @admin.display(description=_("feed file"))
    def feed_file_link(self, obj) -> str:
        if obj.feed_file_id is None:
            return "-"
        url = reverse("admin:core_feedfile_change", args=[obj.feed_file_id])
        return format_html('<a href="{}">{}</a>', url, obj.feed_file_id)
