"""Claims, their documents, decisions, payouts and what follows from them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_iin_bin

from ._base import Audited, money, tracked
from .events import InsuredEvent


class DocumentKind(models.TextChoices):
    """Cl. 28: the documents attached to a claim."""

    ACCIDENT_ACT = "accident_act", _("accident act")
    IDENTITY_DOCUMENT = "identity_document", _("copy of the identity document")
    DEGREE_CERTIFICATE = "degree_certificate", _("certificate of the degree of loss")
    ADDITIONAL_CARE_CERTIFICATE = (
        "additional_care_certificate",
        _("certificate of the need for additional care"),
    )
    EXPENSE_DOCUMENTS = "expense_documents", _("documents of expenses on treatment")
    OCCUPATIONAL_DISEASE_CERTIFICATE = (
        "occupational_disease_certificate",
        _("certificate of occupational disease"),
    )
    SALARY_CERTIFICATE = "salary_certificate", _("salary certificate")
    LOSS_PREVENTION_EXPENSES = (
        "loss_prevention_expenses",
        _("documents of expenses to prevent or reduce losses"),
    )


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("bank transfer")


class ClaimStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", _("awaiting decision")
    DECIDED = "decided", _("decided")


@tracked()
class Claim(Audited):
    event = models.ForeignKey(
        InsuredEvent,
        verbose_name=_("insured event"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    degree_percent = models.PositiveSmallIntegerField(_("degree of loss, %"))
    degree_set_on = models.DateField(_("degree first set on"))
    degree_until = models.DateField(_("degree set until"))
    certifying_body = models.CharField(_("certifying body"), max_length=300, blank=True)
    # Cl. 27: the beneficiary and how to be paid.
    beneficiary_iin = models.CharField(
        _("beneficiary IIN"), max_length=12, validators=[validate_iin_bin]
    )
    beneficiary_name = models.CharField(_("beneficiary name"), max_length=300)
    beneficiary_address = models.CharField(_("residence"), max_length=500)
    beneficiary_phone = models.CharField(_("phone"), max_length=100)
    beneficiary_bank_account = models.CharField(_("bank account"), max_length=34)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    insured_degree = models.BooleanField(_("degree inside the insured range"))
    # Cl. 46: computed from the documents.
    all_documents_on = models.DateField(_("all documents in on"))
    decision_due_on = models.DateField(_("decision due on"))
    # Cl. 29: the receipt in two copies.
    receipt_number = models.CharField(_("receipt no."), max_length=40, unique=True)
    receipt_issued_on = models.DateField(_("receipt issued on"))
    receipt_acknowledged_on = models.DateField(
        _("applicant's mark on the second copy"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClaimStatus.choices,
        default=ClaimStatus.AWAITING_DECISION,
    )

    class Meta:
        ordering = ["-all_documents_on", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(degree_percent__lte=100), name="claim_degree_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(degree_until__gt=F("degree_set_on")), name="claim_degree_period"
            ),
            models.CheckConstraint(
                condition=Q(decision_due_on__gt=F("all_documents_on")),
                name="claim_decision_due_after_documents",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Claim')} {self.receipt_number}"


@tracked()
class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    received_on = models.DateField(_("received on"))

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        constraints = [
            models.UniqueConstraint(fields=["claim", "kind"], name="claim_document_once"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="claim_document_kind_valid"
            ),
        ]


@tracked()
class MissingDocumentsNotice(Audited):
    """Cl. 9.11: the policyholder is told of missing documents within the contract's term."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="missing_notices")
    kinds = models.JSONField(_("missing documents"), default=list)
    first_received_on = models.DateField(_("claim received on"))
    due_on = models.DateField(_("due on"))
    sent_on = models.DateField(_("sent on"))
    late = models.BooleanField(_("late"))

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("notice of missing documents")
        verbose_name_plural = _("notices of missing documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(late=Q(sent_on__gt=F("due_on"))), name="missing_notice_late_matches"
            ),
            models.CheckConstraint(condition=~Q(kinds=[]), name="missing_notice_lists_documents"),
        ]


class DecisionKind(models.TextChoices):
    PAY = "pay", _("pay")
    REFUSE = "refuse", _("refuse")
    REFUSE_PARTLY = "refuse_partly", _("refuse in part")
    REDUCE = "reduce", _("reduce")
    RELEASE = "release", _("release from payment")


REFUSAL_KINDS = (
    DecisionKind.REFUSE,
    DecisionKind.REFUSE_PARTLY,
    DecisionKind.REDUCE,
    DecisionKind.RELEASE,
)


@tracked()
class Decision(Audited):
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="decision")
    decision = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    decided_on = models.DateField(_("decided on"))
    due_on = models.DateField(_("due on"))
    late = models.BooleanField(_("late"))
    grounds = models.JSONField(_("grounds"), default=list, blank=True)
    reason_text = models.TextField(_("reasoned text"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=DecisionKind.values), name="decision_kind_valid"
            ),
            # Cl. 23.4, 41-44, 46: a refusal states its grounds and its reasons.
            models.CheckConstraint(
                condition=Q(decision=DecisionKind.PAY) | (~Q(grounds=[]) & ~Q(reason_text="")),
                name="decision_refusal_has_grounds",
            ),
            models.CheckConstraint(
                condition=Q(late=Q(decided_on__gt=F("due_on"))), name="decision_late_matches"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.decided_on}"


class PayoutKind(models.TextChoices):
    ADDITIONAL_EXPENSES = "additional_expenses", _("additional expenses")


@tracked()
class Payout(Audited):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    kind = models.CharField(_("kind"), max_length=30, choices=PayoutKind.choices)
    amount_kzt = money(_("amount"))
    documents_on = models.DateField(_("documents received on"))
    paid_on = models.DateField(_("paid on"))
    due_on = models.DateField(_("due on"))
    late = models.BooleanField(_("late"))
    cap_kzt = money(_("cap"))

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="payout_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=PayoutKind.values), name="payout_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(late=Q(paid_on__gt=F("due_on"))), name="payout_late_matches"
            ),
        ]


@tracked()
class Recovery(Audited):
    """Cl. 43.6: the insurer claims back a payout made."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="recoveries")
    demanded_on = models.DateField(_("demanded on"))
    amount_kzt = money(_("amount"))
    recovered_on = models.DateField(_("recovered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [
            models.CheckConstraint(condition=Q(amount_kzt__gt=0), name="recovery_positive")
        ]


class AppealBody(models.TextChoices):
    AUTHORISED_BODY = "authorised_body", _("authorised body")
    COURT = "court", _("court")
    NEGOTIATION = "negotiation", _("negotiation")


@tracked()
class Appeal(Audited):
    """Cl. 24.5, 26.3, 61: a dispute of a decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    body = models.CharField(_("where"), max_length=20, choices=AppealBody.choices)
    filed_on = models.DateField(_("filed on"))
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(body__in=AppealBody.values), name="appeal_body_valid"
            )
        ]


@tracked()
class ShortfallDuty(Audited):
    """Cl. 39: where the rules' payout exceeds the sum insured, the policyholder pays the rest."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="shortfall_duties")
    assessed_kzt = money(_("payout due under the rules"))
    covered_kzt = money(_("covered by the sum insured"))
    difference_kzt = money(_("difference the policyholder owes"))
    recorded_on = models.DateField(_("recorded on"))
    paid_on = models.DateField(_("paid by the policyholder on"), null=True, blank=True)

    class Meta:
        verbose_name = _("policyholder's duty to pay the difference")
        verbose_name_plural = _("policyholder's duties to pay the difference")
        constraints = [
            models.CheckConstraint(
                condition=Q(difference_kzt__gt=0)
                & Q(difference_kzt=F("assessed_kzt") - F("covered_kzt")),
                name="shortfall_difference_matches",
            )
        ]
