"""REST API of INTERFACES.md § annuities: contracts, schedules and payments."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from insurance.apis import (
    ERRORS,
    ApiBase,
    ListApi,
    call_service,
    own_or_404,
    validated,
    writer_insurer,
)
from insurance.models import SignatoryBasis

from . import selectors, services
from .models import AnnuityContract


def money(**kw):
    return serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, **kw)


class AnnuitySignatoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    basis = serializers.ChoiceField(choices=SignatoryBasis.choices)


class AnnuityInput(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    documents_on = serializers.DateField()
    signed_on = serializers.DateField()
    signatory = AnnuitySignatoryInput()
    monthly_amount_kzt = money()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    other_insurer_bin = serializers.RegexField(r"^[0-9]{12}$", required=False, default="")
    policyholder_premium_kzt = money(required=False, allow_null=True, default=None)


class PaymentInput(serializers.Serializer):
    month = serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    paid_on = serializers.DateField()
    amount_kzt = money()

    def validate_month(self, value):
        import datetime as dt

        return dt.date.fromisoformat(f"{value}-01")


class RecertificationInput(serializers.Serializer):
    certified_on = serializers.DateField()
    degree_percent = serializers.IntegerField(min_value=0, max_value=100)
    new_ends_on = serializers.DateField()


class TerminationInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=[("death", "death"), ("right_lost", "right_lost")])
    terminated_on = serializers.DateField()


class ScheduleRow(serializers.Serializer):
    month = serializers.SerializerMethodField()
    due_on = serializers.DateField()
    amount_kzt = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_on = serializers.DateField(allow_null=True)
    paid_amount_kzt = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    status = serializers.CharField()
    late = serializers.SerializerMethodField()

    def get_month(self, obj) -> str:
        return obj.month.strftime("%Y-%m")

    def get_late(self, obj) -> bool:
        from django.utils import timezone

        return (obj.paid_on or timezone.localdate()) > obj.due_on and obj.status != "cancelled"


class AnnuityOutput(serializers.ModelSerializer):
    insurer_bin = serializers.CharField(source="insurer.bin")
    contract = serializers.IntegerField(source="claim.event.contract_id")
    signatory = serializers.SerializerMethodField()
    first_payment_late = serializers.SerializerMethodField()
    schedule = ScheduleRow(source="payments", many=True)
    recertifications = serializers.SerializerMethodField()

    class Meta:
        model = AnnuityContract
        fields = [
            "id",
            "insurer_bin",
            "claim",
            "contract",
            "beneficiary_iin",
            "documents_on",
            "signed_on",
            "signatory",
            "monthly_amount_kzt",
            "starts_on",
            "ends_on",
            "conclusion_due_on",
            "conclusion_late",
            "first_payment_due_on",
            "first_payment_late",
            "other_insurer_bin",
            "policyholder_premium_kzt",
            "policyholder_premium_paid_on",
            "status",
            "terminated_on",
            "schedule",
            "recertifications",
            "updated_at",
        ]

    def get_signatory(self, obj) -> dict:
        return {"name": obj.signatory_name, "basis": obj.signatory_basis}

    def get_first_payment_late(self, obj) -> bool:
        from django.utils import timezone

        first = next((p for p in obj.payments.all() if p.is_first), None)
        if first is None:
            return False
        return (first.paid_on or timezone.localdate()) > obj.first_payment_due_on

    def get_recertifications(self, obj) -> list[dict]:
        return [
            {
                "certified_on": r.certified_on,
                "degree_percent": r.degree_percent,
                "new_ends_on": r.new_ends_on,
            }
            for r in obj.recertifications.all()
        ]


def _out(pk: int) -> dict:
    return AnnuityOutput(selectors.annuity_queryset().get(pk=pk)).data


class AnnuityListCreateApi(ListApi):
    serializer_class = AnnuityOutput
    selector = staticmethod(selectors.annuity_list)

    @extend_schema(
        operation_id="annuity_contracts_list", responses={200: AnnuityOutput(many=True), **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="annuity_contracts_create",
        summary="Conclude an annuity contract from a claim (cl. 25.15, 32, 48-55)",
        request=AnnuityInput,
        responses={201: AnnuityOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        insurer = writer_insurer(request)
        annuity = call_service(
            services.annuity_create,
            insurer=insurer,
            acting_user=request.user,
            **validated(AnnuityInput, request),
        )
        return Response(_out(annuity.pk), status=status.HTTP_201_CREATED)


class AnnuityDetailApi(ApiBase, APIView):
    @extend_schema(
        operation_id="annuity_contracts_retrieve", responses={200: AnnuityOutput, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            AnnuityOutput(own_or_404(selectors.annuity_list(user=request.user), pk)).data
        )


def _action(input_class, service, operation_id: str, summary: str):
    class Action(ApiBase, APIView):
        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=input_class,
            responses={201: AnnuityOutput, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            insurer = writer_insurer(request)
            annuity = own_or_404(
                selectors.annuity_list(user=request.user).filter(insurer=insurer), pk
            )
            call_service(
                service,
                annuity=annuity,
                acting_user=request.user,
                **validated(input_class, request),
            )
            return Response(_out(pk), status=status.HTTP_201_CREATED)

    Action.__name__ = Action.__qualname__ = (
        "".join(w.title() for w in operation_id.split("_")) + "Api"
    )
    return Action


PaymentApi = _action(
    PaymentInput,
    services.annuity_payment_record,
    "annuity_payments_create",
    "Record the month's payment (cl. 54)",
)
RecertificationApi = _action(
    RecertificationInput,
    services.annuity_recertify,
    "annuity_recertifications_create",
    "Re-certification extends the term and the schedule (cl. 53)",
)
TerminationApi = _action(
    TerminationInput,
    services.annuity_terminate,
    "annuity_terminations_create",
    "Terminate on death or loss of the right (cl. 56)",
)
