"""The voluntary contract with the whole content of cl. 9, its parts and premium."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region
from core.validators import validate_iin_bin

from ._base import Audited, money, tracked
from .rules import RulesSet


class ContractStatus(models.TextChoices):
    AWAITING_PREMIUM = "awaiting_premium", _("awaiting the premium")
    IN_FORCE = "in_force", _("in force")
    ENDED = "ended", _("ended at term end")
    EXHAUSTED = "exhausted", _("ended: payouts reached the sum insured")


class SignatoryBasis(models.TextChoices):
    """Cl. 5-6, 50-51: only these may sign for the insurer; anyone else makes it void."""

    CHAIRMAN = "chairman", _("chairman of the board")
    POWER_OF_ATTORNEY = "power_of_attorney", _("power of attorney")


@tracked()
class VoluntaryContract(Audited):
    insurer = models.ForeignKey(
        Organisation, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="+"
    )
    rules = models.ForeignKey(RulesSet, verbose_name=_("rules set"), on_delete=models.PROTECT)
    series = models.CharField(_("series"), max_length=20)
    number = models.CharField(_("number"), max_length=40)
    # Policyholder (cl. 9.2, 9.13).
    policyholder_bin = models.CharField(
        _("policyholder BIN/IIN"), max_length=12, validators=[validate_iin_bin], db_index=True
    )
    policyholder_name = models.CharField(_("policyholder name"), max_length=500, blank=True)
    policyholder_is_individual = models.BooleanField(
        _("policyholder is an individual"), default=False
    )
    policyholder_address = models.CharField(_("policyholder address"), max_length=500, blank=True)
    policyholder_bank_details = models.CharField(
        _("policyholder bank details"), max_length=500, blank=True
    )
    policyholder_resident = models.BooleanField(_("resident"), default=True)
    policyholder_economic_sector = models.CharField(_("economic sector"), max_length=10, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Object, event, sums (cl. 9.3-9.6, 9.12).
    insured_object = models.TextField(_("object of insurance"), blank=True)
    insured_event = models.TextField(_("insured event"), blank=True)
    sum_insured_kzt = money(_("sum insured"))
    premium_kzt = money(_("premium"))
    premium_payment_order = models.TextField(_("premium payment order"), blank=True)
    payout_order = models.TextField(_("payout order and terms"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="KZT")
    # Dates and term (cl. 9.7, 12-13).
    applied_on = models.DateField(_("application date"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"))
    ends_on = models.DateField(_("ends on"))
    starts_on = models.DateField(_("cover starts on"), null=True, blank=True)
    terms_change_order = models.TextField(_("how terms change"), blank=True)
    missing_documents_notice_working_days = models.PositiveSmallIntegerField(
        _("notice of missing documents, working days"), default=5
    )
    # Application documents (cl. 7-8).
    harmful_factor = models.BooleanField(_("harmful production factor exists"), default=False)
    medical_examinations_submitted = models.BooleanField(
        _("medical examinations of the last two years submitted"), default=False
    )
    # Signatory (cl. 5-6).
    signatory_name = models.CharField(_("signatory"), max_length=300)
    signatory_basis = models.CharField(
        _("signatory basis"), max_length=20, choices=SignatoryBasis.choices
    )
    signatory_document = models.CharField(_("power of attorney no."), max_length=100, blank=True)
    # State (cl. 14, 18, 47, 64).
    remaining_sum_kzt = money(_("remaining sum insured"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContractStatus.choices,
        default=ContractStatus.AWAITING_PREMIUM,
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-concluded_on", "-id"]
        verbose_name = _("voluntary contract")
        verbose_name_plural = _("voluntary contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "series", "number"], name="voluntary_contract_identity"
            ),
            models.CheckConstraint(
                condition=Q(sum_insured_kzt__gt=0) & Q(premium_kzt__gt=0),
                name="voluntary_sums_positive",
            ),
            # Cl. 18: payouts reduce the sum insured and never go below zero.
            models.CheckConstraint(
                condition=Q(remaining_sum_kzt__gte=0)
                & Q(remaining_sum_kzt__lte=F("sum_insured_kzt")),
                name="voluntary_remaining_sum_within_sum",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("concluded_on")), name="voluntary_term_positive"
            ),
            # Cl. 13: cover starts the day after the premium arrives, never before conclusion.
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__gt=F("concluded_on")),
                name="voluntary_starts_after_conclusion",
            ),
            models.CheckConstraint(
                condition=Q(signatory_basis__in=SignatoryBasis.values),
                name="voluntary_signatory_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="voluntary_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.number}"

    @property
    def label(self) -> str:
        return f"{self.series} № {self.number}"


class _ContractPart(models.Model):
    contract = models.ForeignKey(
        VoluntaryContract, on_delete=models.CASCADE, related_name="%(class)ss"
    )

    class Meta:
        abstract = True


@tracked()
class InsuredPerson(_ContractPart):
    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    full_name = models.CharField(_("full name"), max_length=300)

    class Meta:
        verbose_name = _("insured person")
        verbose_name_plural = _("insured persons")
        constraints = [
            models.UniqueConstraint(fields=["contract", "iin"], name="insured_person_once")
        ]


@tracked()
class Beneficiary(_ContractPart):
    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin_bin])
    full_name = models.CharField(_("full name"), max_length=300)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")


@tracked()
class Branch(_ContractPart):
    """Cl. 9.6: a branch with another activity has its own risk class and premium."""

    bin = models.CharField(_("BIN"), max_length=12, validators=[validate_iin_bin])
    name = models.CharField(_("name"), max_length=500, blank=True)
    oked = models.CharField(_("ОКЭД"), max_length=5)
    risk_class = models.PositiveSmallIntegerField(
        _("risk class"), validators=[MinValueValidator(1), MaxValueValidator(22)]
    )
    premium_kzt = money(_("premium"))

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [
            models.UniqueConstraint(fields=["contract", "bin"], name="branch_once"),
            models.CheckConstraint(
                condition=Q(risk_class__gte=1) & Q(risk_class__lte=22),
                name="branch_risk_class_1_22",
            ),
            models.CheckConstraint(condition=Q(premium_kzt__gt=0), name="branch_premium_positive"),
        ]


@tracked()
class PremiumInstalment(_ContractPart):
    """Cl. 9.6, 20: the premium's payment order, one row per due date."""

    due_on = models.DateField(_("due on"))
    amount_kzt = money(_("amount"))

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("premium instalment")
        verbose_name_plural = _("premium instalments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "due_on"], name="instalment_once_a_day"),
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="instalment_positive"),
        ]


@tracked()
class PremiumPayment(Audited, _ContractPart):
    """Cl. 21: the day the money reaches the insurer's account is the payment date."""

    received_on = models.DateField(_("received on"))
    amount_kzt = money(_("amount"))

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("premium payment")
        verbose_name_plural = _("premium payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="premium_payment_positive")
        ]


@tracked()
class SupplementaryAgreement(Audited, _ContractPart):
    """Cl. 62: every change of terms is a supplementary agreement signed by both sides."""

    number = models.CharField(_("number"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    description = models.TextField(_("what changes"))
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)

    class Meta:
        ordering = ["signed_on", "id"]
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="agreement_number_once")
        ]


@tracked()
class DuplicateIssue(Audited, _ContractPart):
    """Cl. 64: a lost contract document is replaced by a duplicate; the original paper is void."""

    issued_on = models.DateField(_("issued on"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")
