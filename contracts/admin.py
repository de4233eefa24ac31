"""Admin of ОСНС contracts: read-only, every version with its flags; written only by the
feed and the API."""

from django.contrib import admin

from core.feeds.admin import FeedFactAdmin

from .models import OsnsContract


@admin.register(OsnsContract)
class OsnsContractAdmin(FeedFactAdmin):
    list_display = (
        "contract_number",
        "contract_series",
        "insurer_bin",
        "policyholder_bin",
        "policyholder_name",
        "starts_on",
        "ends_on",
        "terminated_on",
        "termination_code",
        "premium_kzt",
        "flags_text",
        "version",
        "is_current",
        "delivered_on",
    )
    list_filter = (
        "is_current",
        "premium_below_minimum",
        "termination_code",
        "delivered_on",
    )
    search_fields = ("=insurer_bin", "=policyholder_bin", "contract_number")
    date_hierarchy = "starts_on"
