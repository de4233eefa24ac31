"""Admin for voluntary insurance: read-only, with export.

Every write of a rule-bearing record goes through ``services`` (the API and the
demo use them), so the admin shows and exports but never edits those records.
A rules set may be added, and edited only while no contract was concluded
under it, since a contract's deadlines and caps come from its set.
"""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportMixin

from .models import (
    Appeal,
    Beneficiary,
    Branch,
    Claim,
    ClaimDocument,
    Decision,
    InsuredEvent,
    InsuredPerson,
    MissingDocumentsNotice,
    Payout,
    PremiumInstalment,
    PremiumPayment,
    Recovery,
    RulesSet,
    ShortfallDuty,
    VoluntaryContract,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


def _inline(model_class):
    return type(f"{model_class.__name__}Inline", (ReadOnlyInline,), {"model": model_class})


@admin.register(RulesSet)
class RulesSetAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "effective_from",
        "notice_working_days",
        "decision_working_days",
        "expenses_cap_mci",
    )

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and VoluntaryContract.objects.filter(rules=obj).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(VoluntaryContract)
class VoluntaryContractAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = (
        "series",
        "number",
        "insurer",
        "policyholder_bin",
        "concluded_on",
        "ends_on",
        "starts_on",
        "sum_insured_kzt",
        "remaining_sum_kzt",
        "status",
    )
    list_filter = ("status", "rules", "insurer", "region")
    search_fields = ("number", "policyholder_bin", "policyholder_name")
    inlines = [
        _inline(m) for m in (InsuredPerson, Beneficiary, Branch, PremiumInstalment, PremiumPayment)
    ]


@admin.register(InsuredEvent)
class InsuredEventAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = (
        "contract",
        "occurred_on",
        "circumstance",
        "notified_on",
        "notice_due_on",
        "notice_late",
    )
    list_filter = ("notice_late", "circumstance")


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = (
        "receipt_number",
        "event",
        "degree_percent",
        "all_documents_on",
        "decision_due_on",
        "status",
    )
    list_filter = ("status", "insured_degree")
    search_fields = ("receipt_number",)
    inlines = [_inline(m) for m in (ClaimDocument, MissingDocumentsNotice, Payout, ShortfallDuty)]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("claim", "decision", "decided_on", "due_on", "late")
    list_filter = ("decision", "late")
    inlines = [_inline(Appeal)]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("claim", "kind", "amount_kzt", "documents_on", "paid_on", "due_on", "late")
    list_filter = ("late",)
    inlines = [_inline(Recovery)]
