"""Employment contracts: facts of the employment-contract registry (feed ``esutd_contracts``,
FEEDS.md; seed 002: the registry holds 82.9 % of hired workers).

Each row is one version of a contract; the identity is (employer_bin,
contract_number). A branch carries its legal entity's BIN in ``head_bin``:
the head's ОСНС contract covers it (DOMAIN.md §1).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import FeedFact, fact_constraints
from core.validators import validate_iin_bin

EMPLOYMENT_IDENTITY = ("employer_bin", "contract_number")


class EmploymentContract(FeedFact):
    employer_bin = models.CharField(_("employer BIN"), max_length=12, validators=[validate_iin_bin])
    head_bin = models.CharField(
        _("head organisation BIN"),
        max_length=12,
        blank=True,
        help_text=_("For a branch: the BIN of its legal entity, whose contract covers it."),
    )
    employer_name = models.CharField(_("employer"), max_length=500)
    employer_kato = models.CharField(_("employer КАТО"), max_length=9, blank=True)
    employer_oked = models.CharField(_("employer ОКЭД"), max_length=5, blank=True)
    employee_iin = models.CharField(_("employee IIN"), max_length=12)
    contract_number = models.CharField(_("contract number"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    terminated_on = models.DateField(
        _("terminated on"),
        null=True,
        blank=True,
        help_text=_("The first day the employee is no longer employed."),
    )

    class Meta:
        ordering = ["employer_bin", "contract_number", "-version"]
        verbose_name = _("employment contract")
        verbose_name_plural = _("employment contracts")
        constraints = [
            *fact_constraints("employmentcontract", EMPLOYMENT_IDENTITY),
            models.CheckConstraint(
                condition=Q(employer_bin__regex=r"^[0-9]{12}$")
                & Q(employee_iin__regex=r"^[0-9]{12}$")
                & (Q(head_bin="") | Q(head_bin__regex=r"^[0-9]{12}$")),
                name="employmentcontract_ids_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="employmentcontract_period_in_order",
            ),
        ]
        indexes = [
            # The obliged-employers scan reads the current versions only, grouped by
            # employer: an index-only scan in employer order (no sort, no heap).
            models.Index(
                fields=["employer_bin", "employee_iin"],
                include=["starts_on", "ends_on", "terminated_on", "head_bin"],
                condition=Q(is_current=True),
                name="employment_current_employer",
            ),
            # A head organisation's branches (the workers its contract covers).
            models.Index(
                fields=["head_bin"],
                condition=Q(is_current=True) & ~Q(head_bin=""),
                name="employment_current_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_bin} {self.contract_number} (v{self.version})"
