"""Admin of ОСНС contracts: read-only, every version; written only by the feed and the API."""

from django.contrib import admin

from .models import OsnsContract


@admin.register(OsnsContract)
class OsnsContractAdmin(admin.ModelAdmin):
    list_display = (
        "contract_number",
        "contract_series",
        "insurer_bin",
        "policyholder_bin",
        "policyholder_name",
        "starts_on",
        "ends_on",
        "terminated_on",
        "premium_kzt",
        "premium_below_minimum",
        "version",
        "is_current",
        "delivered_on",
    )
    list_filter = (
        "is_current",
        "premium_below_minimum",
        "termination_reason",
        "delivered_on",
    )
    search_fields = ("=insurer_bin", "=policyholder_bin", "contract_number")
    date_hierarchy = "starts_on"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
