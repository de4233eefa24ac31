"""API shapes of INTERFACES.md § Inspection. Input serializers check shape only; the
rules live in ``services``. Output serializers read the prefetched querysets of
``selectors``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.limits import CHILD_ROWS_PER_LIST

from .models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionKind,
    InspectionOrder,
    Investigation,
    Referral,
    Removal,
    Suspension,
    SuspensionKind,
    Victim,
    VictimOutcome,
    Violation,
)

MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1
MAX_ITEMS = CHILD_ROWS_PER_LIST
MAX_TEXT = 10_000

DIGITS_2 = r"^[0-9]{2}$"
DIGITS_9 = r"^[0-9]{9}$"
DIGITS_12 = r"^[0-9]{12}$"


def _id_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="On PATCH: the id of a stored item to edit; omit it to add an item. "
        "Stored items not listed are deleted.",
    )


def _identifier(help_text: str) -> serializers.RegexField:
    return serializers.RegexField(
        DIGITS_12, max_length=12, required=False, allow_null=True, help_text=help_text
    )


# --- input --------------------------------------------------------------------------


class ViolationInputSerializer(serializers.Serializer):
    id = _id_field()
    description = serializers.CharField(max_length=MAX_TEXT)
    detected_on = serializers.DateField()
    eliminated_on = serializers.DateField(required=False, allow_null=True)


class OrderInputSerializer(serializers.Serializer):
    id = _id_field()
    number = serializers.CharField(max_length=64)
    issued_on = serializers.DateField()
    due_on = serializers.DateField(required=False, allow_null=True)


class FineInputSerializer(serializers.Serializer):
    id = _id_field()
    imposed_on = serializers.DateField()
    amount_kzt = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Tenge, a decimal string greater than zero."
    )


class SuspensionInputSerializer(serializers.Serializer):
    id = _id_field()
    kind = serializers.ChoiceField(choices=SuspensionKind.choices)
    suspended_on = serializers.DateField()


class RemovalInputSerializer(serializers.Serializer):
    id = _id_field()
    removed_on = serializers.DateField()
    workers = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class ReferralInputSerializer(serializers.Serializer):
    id = _id_field()
    sent_on = serializers.DateField()


class CriminalCaseInputSerializer(serializers.Serializer):
    id = _id_field()
    opened_on = serializers.DateField()
    persons_prosecuted = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_INT
    )
    prosecuted_on = serializers.DateField(required=False, allow_null=True)


class InspectionInputSerializer(serializers.Serializer):
    region = serializers.RegexField(
        DIGITS_2, max_length=2, help_text="Two-digit region code; an inspector's own region."
    )
    subject_bin = _identifier("BIN of the inspected legal entity; give it or subject_iin.")
    subject_iin = _identifier("IIN of the inspected individual; give it or subject_bin.")
    subject_name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    started_on = serializers.DateField()
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Absent while in progress; 1-МЕИЖМ counts the inspection by this date.",
    )
    violations = ViolationInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    orders = OrderInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    fines = FineInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    suspensions = SuspensionInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    removals = RemovalInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    referrals = ReferralInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    criminal_cases = CriminalCaseInputSerializer(many=True, required=False, max_length=MAX_ITEMS)


class VictimInputSerializer(serializers.Serializer):
    id = _id_field()
    iin = _identifier("Absent for a foreigner without an IIN.")
    full_name = serializers.CharField(max_length=300)
    outcome = serializers.ChoiceField(choices=VictimOutcome.choices)


class InvestigationInputSerializer(serializers.Serializer):
    region = serializers.RegexField(
        DIGITS_2, max_length=2, help_text="Two-digit region code; an inspector's own region."
    )
    by_state_inspector = serializers.BooleanField()
    completed_on = serializers.DateField(required=False, allow_null=True)
    referrals = ReferralInputSerializer(many=True, required=False, max_length=MAX_ITEMS)
    criminal_cases = CriminalCaseInputSerializer(many=True, required=False, max_length=MAX_ITEMS)


class AccidentInputSerializer(serializers.Serializer):
    kato = serializers.RegexField(
        DIGITS_9,
        max_length=9,
        help_text="КАТО code of the place; its first two digits are the region.",
    )
    occurred_on = serializers.DateField()
    employer_bin = serializers.RegexField(DIGITS_12, max_length=12)
    employer_name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description = serializers.CharField(max_length=MAX_TEXT)
    victims = VictimInputSerializer(
        many=True,
        min_length=1,
        max_length=MAX_ITEMS,
        error_messages={"min_length": _("An accident has at least one victim.")},
    )
    investigation = InvestigationInputSerializer(
        required=False,
        allow_null=True,
        help_text="On PATCH: an object creates or edits the investigation, null deletes it.",
    )


# --- output -------------------------------------------------------------------------


class ViolationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = ("id", "description", "detected_on", "eliminated_on")


class OrderOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionOrder
        fields = ("id", "number", "issued_on", "due_on")


class FineOutputSerializer(serializers.ModelSerializer):
    amount_kzt = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Tenge, a decimal string."
    )

    class Meta:
        model = Fine
        fields = ("id", "imposed_on", "amount_kzt")


class SuspensionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suspension
        fields = ("id", "kind", "suspended_on")


class RemovalOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Removal
        fields = ("id", "removed_on", "workers")


class ReferralOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ("id", "sent_on")


class CriminalCaseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriminalCase
        fields = ("id", "opened_on", "persons_prosecuted", "prosecuted_on")


class InspectionOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", help_text="Two-digit region code.")
    violations = ViolationOutputSerializer(many=True)
    orders = OrderOutputSerializer(many=True)
    fines = FineOutputSerializer(many=True)
    suspensions = SuspensionOutputSerializer(many=True)
    removals = RemovalOutputSerializer(many=True)
    referrals = ReferralOutputSerializer(many=True)
    criminal_cases = CriminalCaseOutputSerializer(many=True, source="criminalcases")

    class Meta:
        model = Inspection
        fields = (
            "id",
            "region",
            "subject_bin",
            "subject_iin",
            "subject_name",
            "kind",
            "started_on",
            "completed_on",
            "violations",
            "orders",
            "fines",
            "suspensions",
            "removals",
            "referrals",
            "criminal_cases",
            "created_at",
            "updated_at",
        )


class VictimOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Victim
        fields = ("id", "iin", "full_name", "outcome")


class InvestigationOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", help_text="Two-digit region code.")
    referrals = ReferralOutputSerializer(many=True)
    criminal_cases = CriminalCaseOutputSerializer(many=True, source="criminalcases")

    class Meta:
        model = Investigation
        fields = (
            "id",
            "region",
            "by_state_inspector",
            "completed_on",
            "referrals",
            "criminal_cases",
        )


class AccidentOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(
        source="region_id", help_text="Two-digit region code: the first two digits of kato."
    )
    victims = VictimOutputSerializer(many=True)
    investigation = InvestigationOutputSerializer(allow_null=True)

    class Meta:
        model = Accident
        fields = (
            "id",
            "kato",
            "region",
            "occurred_on",
            "employer_bin",
            "employer_name",
            "description",
            "victims",
            "investigation",
            "created_at",
            "updated_at",
        )
