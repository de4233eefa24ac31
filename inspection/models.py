"""Labour inspection records (seed 002, seed 003; INTERFACES.md § Inspection).

Rules that must never break are database constraints too: dates in order,
outcome and kind values from their lists, positive amounts, exactly one
subject, and each referral or criminal case belonging to exactly one parent.
"""

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.validators import validate_iin_bin


class InspectionKind(models.TextChoices):
    PREVENTIVE_CONTROL = "preventive_control", _("preventive control")
    UNSCHEDULED = "unscheduled", _("unscheduled inspection")
    SPECIAL_ORDER = "special_order", _("inspection by special order")


class SuspensionKind(models.TextChoices):
    EQUIPMENT = "equipment", _("work, machine tools and equipment")
    FACILITY = "facility", _("production facility")
    ORGANISATION = "organisation", _("organisation's activity")


class VictimOutcome(models.TextChoices):
    LIGHT = "light", _("light injury")
    MODERATE = "moderate", _("moderate injury")
    SEVERE = "severe", _("severe outcome")
    FATAL = "fatal", _("fatal")


def tracked():
    """History of inserts, updates and deletes: corrections delete child rows too."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


class Audited(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


@tracked()
class Inspection(Audited):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    subject_bin = models.CharField(
        _("subject BIN"), max_length=12, null=True, blank=True, validators=[validate_iin_bin]
    )
    subject_iin = models.CharField(
        _("subject IIN"), max_length=12, null=True, blank=True, validators=[validate_iin_bin]
    )
    subject_name = models.CharField(_("subject name"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InspectionKind.choices)
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(subject_bin__isnull=False) & Q(subject_iin__isnull=True))
                | (Q(subject_bin__isnull=True) & Q(subject_iin__isnull=False)),
                name="inspection_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="inspection_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.started_on}"


@tracked()
class Violation(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="violations")
    description = models.TextField(_("description"))
    detected_on = models.DateField(_("detected on"), db_index=True)
    eliminated_on = models.DateField(_("eliminated on"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        constraints = [
            models.CheckConstraint(
                condition=Q(eliminated_on__isnull=True) | Q(eliminated_on__gte=F("detected_on")),
                name="violation_eliminated_after_detected",
            )
        ]

    def __str__(self) -> str:
        return f"{self.detected_on}: {self.description[:60]}"


@tracked()
class InspectionOrder(models.Model):
    """An order (нұсқама / предписание) issued during an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"), db_index=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("issued_on")),
                name="order_due_after_issued",
            )
        ]

    def __str__(self) -> str:
        return f"№{self.number} {self.issued_on}"


@tracked()
class Fine(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="fines")
    imposed_on = models.DateField(_("imposed on"), db_index=True)
    amount_kzt = models.DecimalField(
        _("amount, tenge"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("administrative fine")
        verbose_name_plural = _("administrative fines")
        constraints = [
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="fine_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.imposed_on}: {self.amount_kzt} ₸"


@tracked()
class Suspension(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=16, choices=SuspensionKind.choices)
    suspended_on = models.DateField(_("suspended on"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SuspensionKind.values), name="suspension_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.suspended_on}: {self.get_kind_display()}"


@tracked()
class Removal(models.Model):
    """Workers removed from work."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="removals")
    removed_on = models.DateField(_("removed on"), db_index=True)
    workers = models.PositiveIntegerField(_("workers"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("removal from work")
        verbose_name_plural = _("removals from work")
        constraints = [
            models.CheckConstraint(condition=Q(workers__gte=1), name="removal_workers_positive")
        ]

    def __str__(self) -> str:
        return f"{self.removed_on}: {self.workers}"


@tracked()
class Accident(Audited):
    kato = models.CharField(
        _("location (КАТО)"), max_length=9, validators=[RegexValidator(r"^\d{9}$")]
    )
    # The region is the first two digits of ``kato``; stored for scoping and reports.
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    occurred_on = models.DateField(_("occurred on"), db_index=True)
    employer_bin = models.CharField(_("employer BIN"), max_length=12, validators=[validate_iin_bin])
    employer_name = models.CharField(_("employer name"), max_length=500, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kato__regex=r"^\d{9}$"), name="accident_kato_9_digits"
            ),
            models.CheckConstraint(
                condition=Q(kato__startswith=F("region_id")), name="accident_region_matches_kato"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.occurred_on}"


@tracked()
class Victim(models.Model):
    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="victims")
    iin = models.CharField(
        _("IIN"), max_length=12, null=True, blank=True, validators=[validate_iin_bin]
    )
    full_name = models.CharField(_("full name"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=16, choices=VictimOutcome.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("victim")
        verbose_name_plural = _("victims")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=VictimOutcome.values), name="victim_outcome_valid"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_outcome_display()}"


@tracked()
class Investigation(models.Model):
    accident = models.OneToOneField(
        Accident, on_delete=models.CASCADE, related_name="investigation"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    by_state_inspector = models.BooleanField(_("by a state labour inspector"), default=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.region_id})"


class ParentOfOne(models.Model):
    """Belongs to an inspection or to an investigation, never both."""

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    investigation = models.ForeignKey(
        Investigation, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss"
    )

    class Meta:
        abstract = True


@tracked()
class Referral(ParentOfOne):
    """Materials sent to law enforcement."""

    sent_on = models.DateField(_("sent on"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("referral to law enforcement")
        verbose_name_plural = _("referrals to law enforcement")
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False, investigation__isnull=True)
                | Q(inspection__isnull=True, investigation__isnull=False),
                name="referral_one_parent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sent_on}"


@tracked()
class CriminalCase(ParentOfOne):
    opened_on = models.DateField(_("opened on"), db_index=True)
    persons_prosecuted = models.PositiveIntegerField(_("persons prosecuted"), null=True, blank=True)
    prosecuted_on = models.DateField(_("prosecuted on"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False, investigation__isnull=True)
                | Q(inspection__isnull=True, investigation__isnull=False),
                name="criminal_case_one_parent",
            ),
            models.CheckConstraint(
                condition=Q(prosecuted_on__isnull=True) | Q(prosecuted_on__gte=F("opened_on")),
                name="criminal_case_prosecuted_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(persons_prosecuted__isnull=True, prosecuted_on__isnull=True)
                | Q(persons_prosecuted__isnull=False, prosecuted_on__isnull=False),
                name="criminal_case_prosecution_fields_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opened_on}"
