"""Tracked cases of employers without ОСНС cover, their history and notices (seed 002).

Seed 002: the regulator keeps an automatically formed list of violating
employers for preventive control without administrative proceedings, and
sends them personal notifications. A case is opened by the daily scan for an
employer obliged and not covered on the scan date (DOMAIN.md §1), carries the
evidence it was judged on, and moves open -> notified -> under preventive
control -> resolved. The scan resolves it by itself when cover appears or the
employees are gone. Every change is a ``CaseEvent``: who (empty = the scan),
what, when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Region


class CaseState(models.TextChoices):
    OPEN = "open", _("open")
    NOTIFIED = "notified", _("notified")
    PREVENTIVE_CONTROL = "preventive_control", _("under preventive control")
    RESOLVED = "resolved", _("resolved")


class Resolution(models.TextChoices):
    COVERED = "covered", _("an insurance contract covers the employer")
    NO_EMPLOYEES = "no_employees", _("no employees in the employment-contract registry")
    MANUAL = "manual", _("closed by an inspector")


# Allowed moves by a person; the scan opens cases and resolves them by itself.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.OPEN: (CaseState.NOTIFIED, CaseState.PREVENTIVE_CONTROL, CaseState.RESOLVED),
    CaseState.NOTIFIED: (CaseState.PREVENTIVE_CONTROL, CaseState.RESOLVED),
    CaseState.PREVENTIVE_CONTROL: (CaseState.RESOLVED,),
    CaseState.RESOLVED: (),
}


class ViolatorCase(models.Model):
    employer_bin = models.CharField(_("employer BIN"), max_length=12, db_index=True)
    employer_name = models.CharField(_("employer"), max_length=500)
    head_bin = models.CharField(_("head organisation BIN"), max_length=12, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    oked = models.CharField(_("ОКЭД"), max_length=5, blank=True)
    oked_section = models.CharField(_("ОКЭД section"), max_length=1, blank=True)
    risk_class = models.PositiveSmallIntegerField(_("professional risk class"), null=True)
    state = models.CharField(
        _("state"), max_length=24, choices=CaseState.choices, default=CaseState.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    judged_on = models.DateField(_("evidence as of"))
    employees_on_date = models.PositiveIntegerField(_("employees on the day"))
    employment_contracts = models.PositiveIntegerField(_("active employment contracts"))
    last_cover_ends_on = models.DateField(_("last cover ended on"), null=True, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=dict,
        help_text=_("The ОСНС contract versions and employment counts the case was judged on."),
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-employees_on_date", "employer_bin"]
        verbose_name = _("uninsured employer case")
        verbose_name_plural = _("uninsured employer cases")
        constraints = [
            # One case in progress per employer; resolved cases stay as history.
            models.UniqueConstraint(
                fields=["employer_bin"],
                condition=~Q(state="resolved"),
                name="violatorcase_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="violatorcase_state_known"
            ),
            models.CheckConstraint(
                condition=(Q(state="resolved") & Q(resolved_on__isnull=False) & ~Q(resolution=""))
                | (~Q(state="resolved") & Q(resolved_on__isnull=True) & Q(resolution="")),
                name="violatorcase_resolution_with_state",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "state"], name="violatorcase_region_state"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} ({self.employer_bin}): {self.get_state_display()}"

    @property
    def next_states(self) -> tuple[str, ...]:
        return TRANSITIONS[self.state]


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("opened by the daily scan")
        EVIDENCE = "evidence", _("evidence updated by the daily scan")
        STATE = "state", _("state changed")
        NOTICE = "notice", _("notice issued")
        RESOLVED = "resolved", _("resolved by the daily scan")

    case = models.ForeignKey(ViolatorCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the daily scan."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class Notice(models.Model):
    """A personal notification to an employer (seed 002), printed in Kazakh and Russian."""

    case = models.ForeignKey(ViolatorCase, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("number"), max_length=32, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("conclude a contract by"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT
    )
    employer_name = models.CharField(_("employer"), max_length=500)
    employer_bin = models.CharField(_("employer BIN"), max_length=12)
    address = models.CharField(_("address"), max_length=500, blank=True)
    employees_on_date = models.PositiveIntegerField(_("employees on the day"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class CoverageSnapshot(models.Model):
    """Obliged and covered employers of a region on a day, kept by the daily scan."""

    on = models.DateField(_("date"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    obliged = models.PositiveIntegerField(_("obliged employers"))
    covered = models.PositiveIntegerField(_("covered employers"))

    class Meta:
        ordering = ["on", "region"]
        verbose_name = _("coverage on a day")
        verbose_name_plural = _("coverage by day")
        constraints = [
            models.UniqueConstraint(
                fields=["on", "region"], name="coveragesnapshot_day_region", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=Q(covered__lte=models.F("obliged")), name="coveragesnapshot_covered_le"
            ),
        ]
