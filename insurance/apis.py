"""REST API of INTERFACES.md § Voluntary insurance and annuities (the insurance part).

Insurers write and read their own records; chief inspectors and administrators
read all. Another insurer's record answers 404; a write by a reader answers 403.
Every due date is computed with the working-day calendar and returned beside
its fact; a late fact is stored and flagged, never refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import UpdatedSinceFilter
from core.api.permissions import HasRole
from core.errors import nest_error_paths
from core.models import Role
from core.roles import has_role, user_organisation

from . import breaches, selectors, services
from . import serializers as s
from .models import VoluntaryContract

API_ROLES = (Role.INSURER, Role.CHIEF_INSPECTOR, Role.ADMIN)

ErrorSerializer = inline_serializer(
    name="VoluntaryErrorResponse",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField(), required=False),
    },
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid fields; each names its rule."),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorSerializer, description="Your role may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such record among yours."),
}


def call_service(service: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(nest_error_paths(exc.message_dict)) from exc


def writer_insurer(request: Request):
    """The calling insurer; readers (chief inspectors, admins) may not write."""
    if not has_role(request.user, Role.INSURER):
        raise exceptions.PermissionDenied(_("Only insurers record voluntary insurance data."))
    return user_organisation(request.user)


def validated(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def own_or_404(queryset, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise exceptions.NotFound()
    return obj


class UpdatedSinceFilterSet(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()


class ApiBase:
    permission_classes = [HasRole(*API_ROLES)]
    parser_classes = [JSONParser]


class ListApi(ApiBase, generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]
    filterset_class = UpdatedSinceFilterSet
    selector: Callable = None  # type: ignore[assignment]

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


# --- contracts ----------------------------------------------------------------------


def _contract_out(pk: int) -> dict:
    return s.ContractOutput(selectors.contract_queryset().get(pk=pk)).data


class ContractListCreateApi(ListApi):
    serializer_class = s.ContractOutput
    selector = staticmethod(selectors.contract_list)

    @extend_schema(
        operation_id="voluntary_contracts_list",
        responses={200: s.ContractOutput(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="voluntary_contracts_create",
        request=s.ContractInput,
        responses={201: s.ContractOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        insurer = writer_insurer(request)
        contract = call_service(
            services.contract_create,
            insurer=insurer,
            acting_user=request.user,
            **validated(s.ContractInput, request),
        )
        return Response(_contract_out(contract.pk), status=status.HTTP_201_CREATED)


class ContractDetailApi(ApiBase, APIView):
    @extend_schema(
        operation_id="voluntary_contracts_retrieve", responses={200: s.ContractOutput, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            s.ContractOutput(own_or_404(selectors.contract_list(user=request.user), pk)).data
        )


def _contract_action(input_class, service, operation_id: str, summary: str):
    class Action(ApiBase, APIView):
        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=input_class,
            responses={201: s.ContractOutput, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            insurer = writer_insurer(request)
            contract = own_or_404(
                selectors.contract_list(user=request.user).filter(insurer=insurer), pk
            )
            call_service(
                service,
                contract=contract,
                acting_user=request.user,
                **validated(input_class, request),
            )
            return Response(_contract_out(pk), status=status.HTTP_201_CREATED)

    Action.__name__ = Action.__qualname__ = (
        "".join(w.title() for w in operation_id.split("_")) + "Api"
    )
    return Action


PremiumPaymentApi = _contract_action(
    s.PremiumPaymentInput,
    services.premium_payment_record,
    "voluntary_premium_payments_create",
    "Record a premium payment (cl. 13, 21): cover starts the next day",
)
AgreementApi = _contract_action(
    s.AgreementInput,
    services.agreement_record,
    "voluntary_agreements_create",
    "Record a supplementary agreement (cl. 62)",
)
DuplicateApi = _contract_action(
    s.DuplicateInput,
    services.duplicate_issue,
    "voluntary_duplicates_create",
    "Record a duplicate issued (cl. 64): the original document is void",
)


# --- events -------------------------------------------------------------------------


class EventListCreateApi(ListApi):
    serializer_class = s.EventOutput
    selector = staticmethod(selectors.event_list)

    @extend_schema(
        operation_id="voluntary_events_list", responses={200: s.EventOutput(many=True), **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="voluntary_events_create",
        request=s.EventInput,
        responses={201: s.EventOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        insurer = writer_insurer(request)
        event = call_service(
            services.event_create,
            insurer=insurer,
            acting_user=request.user,
            **validated(s.EventInput, request),
        )
        return Response(s.EventOutput(event).data, status=status.HTTP_201_CREATED)


class EventDetailApi(ApiBase, APIView):
    @extend_schema(
        operation_id="voluntary_events_retrieve", responses={200: s.EventOutput, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.EventOutput(own_or_404(selectors.event_list(user=request.user), pk)).data)


# --- claims -------------------------------------------------------------------------


def _claim_out(pk: int) -> dict:
    return s.ClaimOutput(selectors.claim_queryset().get(pk=pk)).data


class ClaimListCreateApi(ListApi):
    serializer_class = s.ClaimOutput
    selector = staticmethod(selectors.claim_list)

    @extend_schema(
        operation_id="voluntary_claims_list", responses={200: s.ClaimOutput(many=True), **ERRORS}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="voluntary_claims_create",
        request=s.ClaimInput,
        responses={201: s.ClaimOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        insurer = writer_insurer(request)
        claim = call_service(
            services.claim_create,
            insurer=insurer,
            acting_user=request.user,
            **validated(s.ClaimInput, request),
        )
        return Response(_claim_out(claim.pk), status=status.HTTP_201_CREATED)


class ClaimDetailApi(ApiBase, APIView):
    @extend_schema(
        operation_id="voluntary_claims_retrieve", responses={200: s.ClaimOutput, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ClaimOutput(own_or_404(selectors.claim_list(user=request.user), pk)).data)


def _own_claim(request: Request, pk: int):
    insurer = writer_insurer(request)
    return own_or_404(
        selectors.claim_list(user=request.user).filter(event__contract__insurer=insurer), pk
    )


def _claim_action(input_class, service, operation_id: str, summary: str, *, on_decision=False):
    class Action(ApiBase, APIView):
        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=input_class,
            responses={201: s.ClaimOutput, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            claim = _own_claim(request, pk)
            target = {"claim": claim}
            if on_decision:
                decision = getattr(claim, "decision", None)
                if decision is None:
                    raise exceptions.NotFound(_("The claim has no decision yet."))
                target = {"decision": decision}
            call_service(
                service, acting_user=request.user, **target, **validated(input_class, request)
            )
            return Response(_claim_out(pk), status=status.HTTP_201_CREATED)

    Action.__name__ = Action.__qualname__ = (
        "".join(w.title() for w in operation_id.split("_")) + "Api"
    )
    return Action


DecisionApi = _claim_action(
    s.DecisionInput,
    services.decision_record,
    "voluntary_decision_create",
    "Record the decision (cl. 23.4, 41-46); returns decision_late",
)
ClaimDocumentsApi = _claim_action(
    s.DocumentsInput,
    services.claim_add_documents,
    "voluntary_claim_documents_create",
    "Add documents received later (cl. 28); the decision's deadline moves",
)
MissingDocumentsApi = _claim_action(
    s.MissingDocumentsInput,
    services.missing_documents_notify,
    "voluntary_missing_documents_notices_create",
    "Record a notice of missing documents (cl. 9.11)",
)
AppealApi = _claim_action(
    s.AppealInput,
    services.appeal_record,
    "voluntary_appeals_create",
    "Record an appeal or dispute of the decision (cl. 24.5, 26.3, 61)",
    on_decision=True,
)
ShortfallApi = _claim_action(
    s.ShortfallInput,
    services.shortfall_record,
    "voluntary_shortfall_duties_create",
    "Record the policyholder's duty to pay the difference (cl. 39)",
)


class PayoutCreateApi(ApiBase, APIView):
    @extend_schema(
        operation_id="voluntary_payouts_create",
        summary="Reimburse additional expenses (cl. 33-37, 18)",
        request=s.PayoutInput,
        responses={201: s.PayoutOutput, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _own_claim(request, pk)
        payout = call_service(
            services.payout_record,
            claim=claim,
            acting_user=request.user,
            **validated(s.PayoutInput, request),
        )
        return Response(s.PayoutOutput(payout).data, status=status.HTTP_201_CREATED)


class RecoveryCreateApi(ApiBase, APIView):
    @extend_schema(
        operation_id="voluntary_recoveries_create",
        summary="Recover a payout (cl. 43.6)",
        request=s.RecoveryInput,
        responses={201: s.PayoutOutput, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        insurer = writer_insurer(request)
        payout = own_or_404(
            selectors.payout_list(user=request.user).filter(
                claim__event__contract__insurer=insurer
            ),
            pk,
        )
        call_service(
            services.recovery_record,
            payout=payout,
            acting_user=request.user,
            **validated(s.RecoveryInput, request),
        )
        return Response(s.PayoutOutput(payout).data, status=status.HTTP_201_CREATED)


# --- breaches -----------------------------------------------------------------------


class BreachQuery(serializers.Serializer):
    insurer = serializers.RegexField(s.DIGITS_12, required=False)
    region = serializers.RegexField(r"^[0-9]{2}$", required=False)
    kind = serializers.ChoiceField(choices=breaches.KINDS, required=False)
    on = serializers.DateField(required=False)
    at_risk = serializers.BooleanField(required=False, default=False)


class BreachListApi(ApiBase, generics.GenericAPIView):
    serializer_class = s.BreachOutput
    # Breaches are computed from the facts, not stored: no model to list.
    queryset = VoluntaryContract.objects.none()

    @extend_schema(
        operation_id="voluntary_breaches_list",
        summary="Deadline breaches (or cases at risk) across insurers",
        parameters=[
            OpenApiParameter("insurer", OpenApiTypes.STR, description="Insurer BIN."),
            OpenApiParameter("region", OpenApiTypes.STR, description="Two-digit region code."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(breaches.KINDS)),
            OpenApiParameter("on", OpenApiTypes.DATE, description="Judged on (default today)."),
            OpenApiParameter(
                "at_risk", OpenApiTypes.BOOL, description="Not done and due within 2 working days."
            ),
        ],
        responses={200: s.BreachOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = BreachQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        allowed, own = selectors.insurer_scope(request.user)
        insurer_bin = own.bin if own is not None else params.get("insurer")
        finder = breaches.at_risk if params["at_risk"] else breaches.breaches
        found = finder(
            on=params.get("on") or timezone.localdate(),
            insurer_bin=insurer_bin,
            region=params.get("region"),
            kind=params.get("kind"),
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(s.BreachOutput(page, many=True).data)
