"""Annuity contracts opened from a claim, with their monthly schedule (seed 001 ch. 10)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import validate_iin_bin
from insurance.models import Claim, SignatoryBasis


def tracked():
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


class AnnuityStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended at term end")
    TERMINATED_DEATH = "terminated_death", _("terminated: the beneficiary died")
    TERMINATED_RIGHT_LOST = "terminated_right_lost", _("terminated: the right was lost")


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    DUE = "due", _("due")
    PAID = "paid", _("paid")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


@tracked()
class AnnuityContract(models.Model):
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="annuities"
    )
    # Copied from the claim's contract so that scoping by insurer is one join-free filter.
    insurer = models.ForeignKey(
        Organisation, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary_iin = models.CharField(
        _("beneficiary IIN"), max_length=12, validators=[validate_iin_bin]
    )
    documents_on = models.DateField(_("documents received on"))
    signed_on = models.DateField(_("signed on"))
    signatory_name = models.CharField(_("signatory"), max_length=300)
    signatory_basis = models.CharField(
        _("signatory basis"), max_length=20, choices=SignatoryBasis.choices
    )
    monthly_amount_kzt = money(_("monthly amount"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    conclusion_due_on = models.DateField(_("conclusion due on"))
    conclusion_late = models.BooleanField(_("conclusion late"))
    first_payment_due_on = models.DateField(_("first payment due on"))
    # Cl. 55: the employee is insured with another insurer; the policyholder pays the premium.
    other_insurer_bin = models.CharField(
        _("insurer of the employee"), max_length=12, blank=True, validators=[validate_iin_bin]
    )
    policyholder_premium_kzt = money(
        _("annuity premium due from the policyholder"), null=True, blank=True
    )
    policyholder_premium_paid_on = models.DateField(_("premium paid on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=AnnuityStatus.choices, default=AnnuityStatus.ACTIVE
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("annuity contract")
        verbose_name_plural = _("annuity contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount_kzt__gt=0), name="annuity_monthly_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="annuity_term_positive"
            ),
            models.CheckConstraint(
                condition=Q(signed_on__gte=F("documents_on")),
                name="annuity_signed_after_documents",
            ),
            models.CheckConstraint(
                condition=Q(signatory_basis__in=SignatoryBasis.values),
                name="annuity_signatory_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(conclusion_late=Q(signed_on__gt=F("conclusion_due_on"))),
                name="annuity_conclusion_late_matches",
            ),
            models.CheckConstraint(
                condition=Q(status=AnnuityStatus.ACTIVE) | Q(terminated_on__isnull=False),
                name="annuity_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(other_insurer_bin="") | Q(policyholder_premium_kzt__gt=0),
                name="annuity_cl55_premium_when_other_insurer",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Annuity')} #{self.pk} · {self.beneficiary_iin[:4]}…"


@tracked()
class AnnuityPayment(models.Model):
    """One month of the schedule (cl. 54): due date, and the payment when made."""

    contract = models.ForeignKey(AnnuityContract, on_delete=models.CASCADE, related_name="payments")
    month = models.DateField(_("month"))  # the first day of the calendar month
    due_on = models.DateField(_("due on"))
    amount_kzt = money(_("amount due"))
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount_kzt = money(_("amount paid"), null=True, blank=True)
    is_first = models.BooleanField(_("first payment"), default=False)

    class Meta:
        ordering = ["month"]
        verbose_name = _("annuity payment")
        verbose_name_plural = _("annuity payments")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"], name="annuity_payment_once_a_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="annuity_payment_month_first_day"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=PaymentStatus.PAID)
                    & Q(paid_on__isnull=False)
                    & Q(paid_amount_kzt__gt=0)
                )
                | (~Q(status=PaymentStatus.PAID) & Q(paid_on__isnull=True)),
                name="annuity_payment_paid_has_date",
            ),
        ]


@tracked()
class Recertification(models.Model):
    """Cl. 53: re-certification extends the degree, the term and the schedule."""

    contract = models.ForeignKey(
        AnnuityContract, on_delete=models.CASCADE, related_name="recertifications"
    )
    certified_on = models.DateField(_("re-certified on"))
    degree_percent = models.PositiveSmallIntegerField(_("degree of loss, %"))
    previous_ends_on = models.DateField(_("term ended on"))
    new_ends_on = models.DateField(_("term extended to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certified_on", "id"]
        verbose_name = _("re-certification")
        verbose_name_plural = _("re-certifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_ends_on__gt=F("previous_ends_on")), name="recert_extends_term"
            )
        ]


class MonthlyRun(models.Model):
    """One row per month the monthly job has processed: the job's idempotence key."""

    month = models.DateField(_("month"), unique=True)
    ran_at = models.DateTimeField(auto_now=True)
    marked_due = models.PositiveIntegerField(default=0)
    flagged_missed = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly annuity run")
        verbose_name_plural = _("monthly annuity runs")
