"""Admin for annuities: read-only (writes go through ``services``); operations may start
the annuity run for today from here, which calls the same service as the beat task."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from insurance.admin import ReadOnlyMixin, _inline

from .models import AnnuityContract, AnnuityPayment, MonthlyRun, Recertification
from .run import monthly_run


@admin.register(AnnuityContract)
class AnnuityContractAdmin(ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "insurer",
        "claim",
        "signed_on",
        "conclusion_due_on",
        "conclusion_late",
        "first_payment_due_on",
        "monthly_amount_kzt",
        "starts_on",
        "ends_on",
        "status",
    )
    list_filter = ("status", "conclusion_late", "insurer")
    inlines = [_inline(AnnuityPayment), _inline(Recertification)]


@admin.register(MonthlyRun)
class MonthlyRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("month", "ran_at", "marked_due", "flagged_missed", "closed")
    actions = ["run_today"]

    @admin.action(description=_("Run the annuity run for today"))
    def run_today(self, request, queryset):
        result = monthly_run(on=timezone.localdate())
        self.message_user(request, str(result), messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        # The action needs no selection: it runs for today whatever is ticked.
        if "action" in request.POST and request.POST["action"] == "run_today":
            if not request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
                post = request.POST.copy()
                post.setlist(admin.helpers.ACTION_CHECKBOX_NAME, ["0"])
                request.POST = post
        return super().changelist_view(request, extra_context)
