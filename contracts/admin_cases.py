"""Admin of employment contracts, tracked cases, their events, notices and coverage: read-only
(the feed, the daily scan and the inspectors' pages write them, through the services)."""

from django.contrib import admin

from core.feeds.admin import FeedFactAdmin, ReadOnlyAdmin

from .models import CaseEvent, CoverageSnapshot, EmploymentContract, Notice, ViolatorCase


@admin.register(EmploymentContract)
class EmploymentContractAdmin(FeedFactAdmin):
    list_display = (
        "employer_bin",
        "head_bin",
        "employer_name",
        "contract_number",
        "starts_on",
        "ends_on",
        "terminated_on",
        "version",
        "is_current",
        "delivered_on",
    )
    list_filter = ("is_current", "delivered_on")
    # The employee's IIN is personal data: searched by exact value only, never listed.
    search_fields = ("=employer_bin", "=head_bin", "=employee_iin")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "by", "kind", "from_state", "to_state", "details")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ViolatorCase)
class ViolatorCaseAdmin(ReadOnlyAdmin):
    list_display = (
        "employer_bin",
        "employer_name",
        "region",
        "state",
        "employees_on_date",
        "last_cover_ends_on",
        "opened_on",
        "resolved_on",
        "resolution",
    )
    list_filter = ("state", "resolution", "region")
    search_fields = ("=employer_bin", "employer_name")
    inlines = [CaseEventInline]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "employer_bin", "employer_name", "issued_on", "due_on", "issued_by")
    search_fields = ("=number", "=employer_bin")


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("on", "region", "obliged", "covered")
    list_filter = ("region",)
    date_hierarchy = "on"
