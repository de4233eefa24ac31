"""The insurer's rules a contract was concluded under.

Seed 001 is one insurer's rules; every contract records the set it was
concluded under, so its deadlines and caps come from that set and a later
set never changes the terms of an earlier contract.
"""

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

SEED_001_CODE = "seed-001"


@pghistory.track()
class RulesSet(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=500)
    insurer_name = models.CharField(_("insurer named by the rules"), max_length=500, blank=True)
    effective_from = models.DateField(_("effective from"))
    degree_min_percent = models.PositiveSmallIntegerField(_("lowest degree of loss, %"))
    degree_max_percent = models.PositiveSmallIntegerField(_("highest degree of loss, %"))
    notice_working_days = models.PositiveSmallIntegerField(
        _("notice of the accident, working days")
    )
    decision_working_days = models.PositiveSmallIntegerField(_("decision, working days"))
    reimbursement_working_days = models.PositiveSmallIntegerField(
        _("reimbursement of additional expenses, working days")
    )
    expenses_cap_mci = models.PositiveIntegerField(_("cap of additional expenses, MCI"))
    annuity_conclusion_working_days = models.PositiveSmallIntegerField(
        _("conclusion of the annuity contract, working days")
    )
    first_annuity_payment_working_days = models.PositiveSmallIntegerField(
        _("first annuity payment, working days")
    )
    default_term_months = models.PositiveSmallIntegerField(_("default term, months"))

    class Meta:
        ordering = ["effective_from", "code"]
        verbose_name = _("rules set")
        verbose_name_plural = _("rules sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(degree_min_percent__gte=1)
                & Q(degree_max_percent__lte=100)
                & Q(degree_min_percent__lte=F("degree_max_percent")),
                name="rules_degree_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(expenses_cap_mci__gt=0), name="rules_expenses_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def degree_insured(self, percent: int | None) -> bool:
        """Cl. 3.6-3.8: only a degree inside the rules' range is an insured event."""
        return percent is not None and self.degree_min_percent <= percent <= self.degree_max_percent
