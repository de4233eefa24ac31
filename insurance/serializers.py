"""API shapes of INTERFACES.md § Voluntary insurance. Input serializers check shape
only; the rules live in ``services``. Every due date is returned beside its fact."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from .models import (
    Circumstance,
    Claim,
    DecisionKind,
    DocumentKind,
    InsuredEvent,
    Payout,
    SignatoryBasis,
    VoluntaryContract,
)
from .models.claims import AppealBody, PaymentMethod

DIGITS_12 = r"^[0-9]{12}$"
MAX_ITEMS = 1000


def money(**kw):
    return serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, **kw)


def iin(**kw):
    return serializers.RegexField(DIGITS_12, max_length=12, **kw)


# --- input --------------------------------------------------------------------------


class PersonInput(serializers.Serializer):
    iin = iin()
    full_name = serializers.CharField(max_length=300)


class BranchInput(serializers.Serializer):
    bin = iin()
    name = serializers.CharField(max_length=500, required=False, default="")
    oked = serializers.RegexField(r"^[0-9]{5}$", max_length=5)
    risk_class = serializers.IntegerField(min_value=0, max_value=100)
    premium_kzt = money()


class SignatoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    basis = serializers.ChoiceField(choices=SignatoryBasis.choices)
    document = serializers.CharField(max_length=100, required=False, default="")


class InstalmentInput(serializers.Serializer):
    due_on = serializers.DateField()
    amount_kzt = money()


class ContractInput(serializers.Serializer):
    series = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)
    policyholder_bin = iin()
    policyholder_name = serializers.CharField(max_length=500, required=False, default="")
    policyholder_is_individual = serializers.BooleanField(required=False, default=False)
    policyholder_address = serializers.CharField(max_length=500, required=False, default="")
    policyholder_bank_details = serializers.CharField(max_length=500, required=False, default="")
    policyholder_resident = serializers.BooleanField(required=False, default=True)
    policyholder_economic_sector = serializers.CharField(max_length=10, required=False, default="")
    region = serializers.RegexField(r"^[0-9]{2}$", required=False, allow_null=True, default=None)
    insured_object = serializers.CharField(required=False, default="", max_length=5000)
    insured_event = serializers.CharField(required=False, default="", max_length=5000)
    concluded_on = serializers.DateField()
    ends_on = serializers.DateField()
    applied_on = serializers.DateField(required=False, allow_null=True, default=None)
    sum_insured_kzt = money()
    premium_kzt = money()
    premium_payment_order = serializers.CharField(required=False, default="", max_length=5000)
    payout_order = serializers.CharField(required=False, default="", max_length=5000)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="KZT")
    terms_change_order = serializers.CharField(required=False, default="", max_length=5000)
    missing_documents_notice_working_days = serializers.IntegerField(
        min_value=1, max_value=60, required=False, default=5
    )
    harmful_factor = serializers.BooleanField(required=False, default=False)
    medical_examinations_submitted = serializers.BooleanField(required=False, default=False)
    rules = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    insured = PersonInput(many=True, required=False, default=list, max_length=MAX_ITEMS)
    beneficiaries = PersonInput(many=True, required=False, default=list, max_length=MAX_ITEMS)
    branches = BranchInput(many=True, required=False, default=list, max_length=MAX_ITEMS)
    instalments = InstalmentInput(many=True, required=False, default=list, max_length=120)
    signatory = SignatoryInput()


class PremiumPaymentInput(serializers.Serializer):
    received_on = serializers.DateField()
    amount_kzt = money()


class AgreementInput(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    signed_on = serializers.DateField()
    description = serializers.CharField(max_length=5000)
    changes = serializers.DictField(required=False, default=dict)


class DuplicateInput(serializers.Serializer):
    issued_on = serializers.DateField()
    reason = serializers.CharField(max_length=300, required=False, default="")


class EventInput(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    insured_iin = iin()
    insured_name = serializers.CharField(max_length=300, required=False, default="")
    occurred_on = serializers.DateField()
    learned_on = serializers.DateField(required=False, allow_null=True, default=None)
    circumstance = serializers.ChoiceField(choices=Circumstance.choices)
    notified_on = serializers.DateField()
    description = serializers.CharField(max_length=5000, required=False, default="")
    accident_act_number = serializers.CharField(max_length=60, required=False, default="")
    accident_act_on = serializers.DateField(required=False, allow_null=True, default=None)
    special_investigation_required = serializers.BooleanField(required=False, default=False)
    special_investigation_act_number = serializers.CharField(
        max_length=60, required=False, default=""
    )
    special_investigation_act_on = serializers.DateField(
        required=False, allow_null=True, default=None
    )


class DocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    received_on = serializers.DateField()


class BeneficiaryInput(serializers.Serializer):
    iin = iin()
    full_name = serializers.CharField(max_length=300)
    address = serializers.CharField(max_length=500)
    phone = serializers.CharField(max_length=100)
    bank_account = serializers.CharField(max_length=34)
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, default=PaymentMethod.BANK_TRANSFER
    )


class ClaimInput(serializers.Serializer):
    event = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    degree_percent = serializers.IntegerField(min_value=0, max_value=100)
    degree_set_on = serializers.DateField()
    degree_until = serializers.DateField()
    certifying_body = serializers.CharField(max_length=300, required=False, default="")
    beneficiary = BeneficiaryInput()
    documents = DocumentInput(many=True, min_length=1, max_length=20)
    receipt_acknowledged_on = serializers.DateField(required=False, allow_null=True, default=None)


class DocumentsInput(serializers.Serializer):
    documents = DocumentInput(many=True, min_length=1, max_length=20)


class MissingDocumentsInput(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices), min_length=1, max_length=20
    )
    sent_on = serializers.DateField()


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    decided_on = serializers.DateField()
    grounds = serializers.ListField(
        child=serializers.CharField(max_length=5), required=False, default=list, max_length=20
    )
    reason_text = serializers.CharField(
        max_length=10_000, required=False, default="", allow_blank=True
    )


class AppealInput(serializers.Serializer):
    body = serializers.ChoiceField(choices=AppealBody.choices)
    filed_on = serializers.DateField()
    outcome = serializers.CharField(max_length=5000, required=False, default="")
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)


class PayoutInput(serializers.Serializer):
    kind = serializers.CharField(max_length=30)
    amount_kzt = money()
    documents_on = serializers.DateField()
    paid_on = serializers.DateField()
    inside_free_care = serializers.BooleanField(required=False, default=False)


class ShortfallInput(serializers.Serializer):
    assessed_kzt = money()
    recorded_on = serializers.DateField()


class RecoveryInput(serializers.Serializer):
    ground = serializers.CharField(max_length=5)
    demanded_on = serializers.DateField()
    amount_kzt = money()
    recovered_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- output -------------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    iin = serializers.CharField()
    full_name = serializers.CharField()


class BranchOutput(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField()
    oked = serializers.CharField()
    risk_class = serializers.IntegerField()
    premium_kzt = serializers.DecimalField(max_digits=16, decimal_places=2)


class ContractOutput(serializers.ModelSerializer):
    insurer_bin = serializers.CharField(source="insurer.bin")
    rules = serializers.CharField(source="rules.code")
    region = serializers.CharField(source="region_id", allow_null=True)
    insured = PersonOutput(source="insuredpersons", many=True)
    beneficiaries = PersonOutput(source="beneficiarys", many=True)
    branches = BranchOutput(source="branchs", many=True)
    signatory = serializers.SerializerMethodField()
    premium_payments = serializers.SerializerMethodField()
    instalments = serializers.SerializerMethodField()
    agreements = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()

    class Meta:
        model = VoluntaryContract
        fields = [
            "id",
            "insurer_bin",
            "rules",
            "series",
            "number",
            "policyholder_bin",
            "policyholder_name",
            "policyholder_is_individual",
            "policyholder_address",
            "policyholder_bank_details",
            "policyholder_resident",
            "policyholder_economic_sector",
            "region",
            "insured_object",
            "insured_event",
            "concluded_on",
            "ends_on",
            "applied_on",
            "starts_on",
            "sum_insured_kzt",
            "premium_kzt",
            "remaining_sum_kzt",
            "currency",
            "premium_payment_order",
            "payout_order",
            "terms_change_order",
            "missing_documents_notice_working_days",
            "harmful_factor",
            "medical_examinations_submitted",
            "status",
            "ended_on",
            "insured",
            "beneficiaries",
            "branches",
            "signatory",
            "premium_payments",
            "instalments",
            "agreements",
            "duplicates",
            "updated_at",
        ]

    def get_signatory(self, obj) -> dict:
        return {
            "name": obj.signatory_name,
            "basis": obj.signatory_basis,
            "document": obj.signatory_document,
        }

    def get_premium_payments(self, obj) -> list[dict]:
        return [
            {"received_on": p.received_on, "amount_kzt": str(p.amount_kzt)}
            for p in obj.premiumpayments.all()
        ]

    def get_instalments(self, obj) -> list[dict]:
        """Cl. 20: each instalment with whether it is overdue today."""
        today = timezone.localdate()
        paid = sum((p.amount_kzt for p in obj.premiumpayments.all() if p.received_on <= today), 0)
        owed, rows = 0, []
        for x in obj.premiuminstalments.all():
            owed += x.amount_kzt
            rows.append(
                {
                    "due_on": x.due_on,
                    "amount_kzt": str(x.amount_kzt),
                    "overdue": x.due_on < today and owed > paid,
                }
            )
        return rows

    def get_agreements(self, obj) -> list[dict]:
        return [
            {
                "number": a.number,
                "signed_on": a.signed_on,
                "description": a.description,
                "changes": a.changes,
            }
            for a in obj.supplementaryagreements.all()
        ]

    def get_duplicates(self, obj) -> list[dict]:
        return [{"issued_on": d.issued_on, "reason": d.reason} for d in obj.duplicateissues.all()]


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = InsuredEvent
        fields = [
            "id",
            "contract",
            "insured_iin",
            "insured_name",
            "occurred_on",
            "learned_on",
            "circumstance",
            "description",
            "notified_on",
            "notice_due_on",
            "notice_late",
            "accident_act_number",
            "accident_act_on",
            "special_investigation_required",
            "special_investigation_act_number",
            "special_investigation_act_on",
            "updated_at",
        ]


class PayoutOutput(serializers.ModelSerializer):
    cap_left_kzt = serializers.SerializerMethodField()
    remaining_sum_kzt = serializers.SerializerMethodField()
    recoveries = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "claim",
            "kind",
            "amount_kzt",
            "documents_on",
            "paid_on",
            "due_on",
            "late",
            "cap_kzt",
            "cap_left_kzt",
            "remaining_sum_kzt",
            "recoveries",
        ]

    def get_cap_left_kzt(self, obj) -> str | None:
        from .services import expenses_cap

        left = expenses_cap(obj.claim).left_kzt
        return None if left is None else str(left)

    def get_remaining_sum_kzt(self, obj) -> str:
        return str(VoluntaryContract.objects.get(pk=obj.claim.event.contract_id).remaining_sum_kzt)

    def get_recoveries(self, obj) -> list[dict]:
        return [
            {
                "demanded_on": r.demanded_on,
                "amount_kzt": str(r.amount_kzt),
                "recovered_on": r.recovered_on,
            }
            for r in obj.recoveries.all()
        ]


def decision_dict(decision) -> dict | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "decided_on": decision.decided_on,
        "due_on": decision.due_on,
        "decision_late": decision.late,
        "grounds": decision.grounds,
        "reason_text": decision.reason_text,
        "appeals": [
            {
                "body": a.body,
                "filed_on": a.filed_on,
                "outcome": a.outcome,
                "resolved_on": a.resolved_on,
            }
            for a in decision.appeals.all()
        ],
    }


class ClaimOutput(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="event.contract_id")
    beneficiary = serializers.SerializerMethodField()
    documents = DocumentInput(many=True)
    receipt = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    decision_late = serializers.SerializerMethodField()
    payouts = serializers.SerializerMethodField()
    missing_documents_notices = serializers.SerializerMethodField()
    shortfall_duties = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "event",
            "contract",
            "degree_percent",
            "degree_set_on",
            "degree_until",
            "certifying_body",
            "insured_degree",
            "beneficiary",
            "documents",
            "all_documents_on",
            "decision_due_on",
            "decision_late",
            "receipt",
            "status",
            "decision",
            "payouts",
            "missing_documents_notices",
            "shortfall_duties",
            "updated_at",
        ]

    def get_beneficiary(self, obj) -> dict:
        return {
            "iin": obj.beneficiary_iin,
            "full_name": obj.beneficiary_name,
            "address": obj.beneficiary_address,
            "phone": obj.beneficiary_phone,
            "bank_account": obj.beneficiary_bank_account,
            "payment_method": obj.payment_method,
        }

    def get_receipt(self, obj) -> dict:
        """Cl. 29: two copies listing the documents and the date of receipt."""
        return {
            "number": obj.receipt_number,
            "issued_on": obj.receipt_issued_on,
            "copies": 2,
            "documents": [
                {"kind": d.kind, "received_on": d.received_on} for d in obj.documents.all()
            ],
            "acknowledged_on": obj.receipt_acknowledged_on,
        }

    def get_decision(self, obj) -> dict | None:
        return decision_dict(getattr(obj, "decision", None))

    def get_decision_late(self, obj) -> bool:
        decision = getattr(obj, "decision", None)
        if decision is not None:
            return decision.late
        return timezone.localdate() > obj.decision_due_on

    def get_payouts(self, obj) -> list[dict]:
        return [
            {
                "id": p.id,
                "kind": p.kind,
                "amount_kzt": str(p.amount_kzt),
                "documents_on": p.documents_on,
                "paid_on": p.paid_on,
                "due_on": p.due_on,
                "late": p.late,
            }
            for p in obj.payouts.all()
        ]

    def get_missing_documents_notices(self, obj) -> list[dict]:
        return [
            {"kinds": n.kinds, "due_on": n.due_on, "sent_on": n.sent_on, "late": n.late}
            for n in obj.missing_notices.all()
        ]

    def get_shortfall_duties(self, obj) -> list[dict]:
        return [
            {
                "assessed_kzt": str(s.assessed_kzt),
                "covered_kzt": str(s.covered_kzt),
                "difference_kzt": str(s.difference_kzt),
                "recorded_on": s.recorded_on,
                "paid_on": s.paid_on,
            }
            for s in obj.shortfall_duties.all()
        ]


class BreachOutput(serializers.Serializer):
    kind = serializers.CharField()
    clause = serializers.CharField()
    insurer_bin = serializers.CharField()
    object_id = serializers.IntegerField()
    contract_id = serializers.IntegerField()
    region = serializers.CharField(source="region_code", allow_null=True)
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    working_days_late = serializers.IntegerField()
