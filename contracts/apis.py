"""REST API of INTERFACES.md § Mandatory insurance: insurers' contracts, violators, cases.

Insurers (token) read and write only contracts with their own BIN; another
insurer's contract answers 404. Violators and cases are for inspectors (their
region), chief inspectors and admins (all regions).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
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

from core.api.pagination import DefaultPagination
from core.api.permissions import HasRole, IsInsurer
from core.models import Role
from core.roles import user_organisation

from . import selectors
from .rules import contract_flags
from .serializers import (
    CaseOutput,
    OsnsContractInput,
    OsnsContractOutput,
    TerminateInput,
    ViolatorOutput,
)
from .services.contracts import (
    Outcome,
    WriteResult,
    contract_change,
    contract_terminate,
    contract_write,
)

BULK_LIMIT = 1000

ErrorSerializer = inline_serializer(
    name="OsnsErrorResponse",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.JSONField(), required=False),
        "id": serializers.IntegerField(required=False, help_text="On 409: the existing contract."),
    },
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid fields, by field and rule."),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed for your role."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such contract of yours.")}
UPDATED_SINCE = OpenApiParameter(
    "updated_since", str, description="ISO timestamp: only what changed at or after it."
)


def _insurer(request: Request):
    organisation = user_organisation(request.user)
    if organisation is None:
        raise exceptions.PermissionDenied(_("Your account is not bound to an insurer."))
    return organisation


def parse_day(raw: str) -> dt.date | None:
    """An ISO date, or None when ``raw`` is not one (including impossible dates)."""
    try:
        return parse_date(raw)
    except ValueError:
        return None


def _updated_since(request: Request) -> dt.datetime | None:
    raw = request.query_params.get("updated_since")
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None and parse_day(raw) is not None:
        value = dt.datetime.combine(parse_day(raw), dt.time.min)
    if value is None:
        raise exceptions.ValidationError(
            {"updated_since": [_("Not a timestamp (ISO 8601, e.g. 2026-01-31T00:00:00Z).")]}
        )
    if value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    return value


def _output(contracts: list) -> Any:
    flags = contract_flags(contracts)
    return OsnsContractOutput(contracts, many=True, context={"flags": flags}).data


def _one(contract) -> dict:
    return _output([contract])[0]


def _with_id(result: WriteResult):
    return selectors.insurer_contract(
        insurer_bin=result.contract.insurer_bin, contract_id=result.contract.pk
    )


def _write(service, **kwargs) -> WriteResult:
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict) from exc


class _InsurerApi:
    permission_classes = [IsInsurer]
    parser_classes = [JSONParser]


class OsnsContractListCreateApi(_InsurerApi, generics.ListAPIView):
    serializer_class = OsnsContractOutput
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.insurer_contracts(insurer_bin=_insurer(self.request).bin)
        since = _updated_since(self.request)
        if since is not None:
            queryset = queryset.filter(loaded_at__gte=since)
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "flags": getattr(self, "_flags", {})}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._flags = contract_flags(page if page is not None else queryset)
        return page

    @extend_schema(
        operation_id="osns_contracts_list",
        summary="Your ОСНС contracts (current versions)",
        parameters=[UPDATED_SINCE],
        responses={200: OsnsContractOutput(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="osns_contracts_create",
        summary="Report a contract",
        description="201 with the stored contract and its flags. An identity that exists: "
        "200 `unchanged` when identical, else 409 with the existing `id` (use PATCH).",
        request=OsnsContractInput,
        responses={
            201: OsnsContractOutput,
            200: OsnsContractOutput,
            409: OpenApiResponse(ErrorSerializer, description="The contract exists; use PATCH."),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        insurer = _insurer(request)
        serializer = OsnsContractInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = _write(
            contract_write, insurer=insurer, values=serializer.validated_data, upsert=False
        )
        contract = _with_id(result)
        if result.outcome == Outcome.CONFLICT:
            return Response(
                {
                    "detail": _("This contract exists with other values; correct it with PATCH."),
                    "id": contract.contract_id,
                },
                status=status.HTTP_409_CONFLICT,
            )
        body = {**_one(contract), "status": result.outcome}
        code = status.HTTP_201_CREATED if result.outcome == Outcome.CREATED else status.HTTP_200_OK
        return Response(body, status=code)


class OsnsContractDetailApi(_InsurerApi, APIView):
    def _get(self, request: Request, pk: int):
        contract = selectors.insurer_contract(insurer_bin=_insurer(request).bin, contract_id=pk)
        if contract is None:
            raise exceptions.NotFound()
        return contract

    @extend_schema(
        operation_id="osns_contracts_retrieve",
        summary="One of your contracts, with its versions",
        responses={200: OsnsContractOutput, **ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        contract = self._get(request, pk)
        history = list(selectors.contract_history(contract))
        body = _one(contract)
        body["versions"] = [
            {
                "version": v.version,
                "version_id": v.pk,
                "delivered_on": v.delivered_on,
                "source": "feed" if v.feed_file_id else "api",
                "current": v.is_current,
            }
            for v in history
        ]
        return Response(body)

    @extend_schema(
        operation_id="osns_contracts_partial_update",
        summary="Correct a contract (the previous version is kept)",
        request=OsnsContractInput,
        responses={200: OsnsContractOutput, **ERRORS, **NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        contract = self._get(request, pk)
        serializer = OsnsContractInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        result = _write(
            contract_change,
            insurer=_insurer(request),
            contract=contract,
            changes=serializer.validated_data,
        )
        return Response({**_one(_with_id(result)), "status": result.outcome})


class OsnsContractTerminateApi(_InsurerApi, APIView):
    @extend_schema(
        operation_id="osns_contracts_terminate",
        summary="Terminate a contract (seed 000 cl. 6.7-6.8)",
        request=TerminateInput,
        responses={200: OsnsContractOutput, **ERRORS, **NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        insurer = _insurer(request)
        contract = selectors.insurer_contract(insurer_bin=insurer.bin, contract_id=pk)
        if contract is None:
            raise exceptions.NotFound()
        serializer = TerminateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = _write(
            contract_terminate, insurer=insurer, contract=contract, **serializer.validated_data
        )
        return Response({**_one(_with_id(result)), "status": result.outcome})


BulkResult = inline_serializer(
    name="OsnsBulkResponse",
    fields={
        "results": serializers.ListField(
            child=inline_serializer(
                name="OsnsBulkItem",
                fields={
                    "index": serializers.IntegerField(),
                    "status": serializers.CharField(
                        help_text="created, updated, unchanged or rejected"
                    ),
                    "id": serializers.IntegerField(required=False),
                    "flags": serializers.ListField(child=serializers.DictField(), required=False),
                    "errors": serializers.DictField(required=False),
                },
            )
        )
    },
)


class OsnsContractBulkApi(_InsurerApi, APIView):
    @extend_schema(
        operation_id="osns_contracts_bulk",
        summary="Report up to 1 000 contracts",
        description="One result per item, in order: `created`, `updated`, `unchanged` or "
        "`rejected` with its field errors. Valid items are stored even when others are "
        "rejected; an existing identity with other values becomes a new version.",
        request=OsnsContractInput(many=True),
        responses={200: BulkResult, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        insurer = _insurer(request)
        items = request.data
        if not isinstance(items, list):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send a JSON list of contracts.")]}
            )
        if not 1 <= len(items) <= BULK_LIMIT:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Send 1 to 1 000 contracts at a time.")]}
            )
        results = []
        for index, item in enumerate(items):
            serializer = OsnsContractInput(data=item)
            if not serializer.is_valid():
                results.append({"index": index, "status": "rejected", "errors": serializer.errors})
                continue
            try:
                with transaction.atomic():
                    result = contract_write(
                        insurer=insurer, values=serializer.validated_data, upsert=True
                    )
            except DjangoValidationError as exc:
                results.append({"index": index, "status": "rejected", "errors": exc.message_dict})
                continue
            results.append(
                {
                    "index": index,
                    "status": result.outcome,
                    "id": _with_id(result).contract_id,
                    "flags": contract_flags([result.contract])[result.contract.pk],
                }
            )
        return Response({"results": results})


# --- violators and cases --------------------------------------------------------------

IsViolatorsReader = HasRole(Role.INSPECTOR, Role.CHIEF_INSPECTOR, Role.ADMIN)


def requested_region(request: Request) -> str | None:
    """The region asked for, within the user's scope (an inspector: their own)."""
    own = selectors.region_scope(request.user)
    region = request.query_params.get("region") or None
    if region is not None and not (len(region) == 2 and region.isdigit()):
        raise exceptions.ValidationError({"region": [_("A region is a 2-digit code.")]})
    if own is not None:
        if region is not None and region != own:
            raise exceptions.PermissionDenied(_("You may only see your own region."))
        return own
    return region


ViolatorPageOutput = inline_serializer(
    name="ViolatorPage",
    fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "on": serializers.DateField(),
        "results": ViolatorOutput(many=True),
    },
)


class ViolatorsApi(APIView):
    permission_classes = [IsViolatorsReader]
    pagination = DefaultPagination

    @extend_schema(
        operation_id="osns_violators_list",
        summary="Employers obliged and not covered on a day (seed 002)",
        description="Computed from the facts in force now for any date, past or future. "
        "Obliged: at least one active employment contract on the day; covered: an ОСНС "
        "contract of its own BIN or of its head_bin covers the day. A lead, not proof.",
        parameters=[
            OpenApiParameter("on", dt.date, description="The day (default today)."),
            OpenApiParameter("region", str, description="2-digit region code."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: ViolatorPageOutput, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        from django.utils import timezone

        raw = request.query_params.get("on")
        on = parse_day(raw) if raw else timezone.localdate()
        if on is None:
            raise exceptions.ValidationError({"on": [_("Not a date (YYYY-MM-DD).")]})
        region = requested_region(request)
        try:
            page_number = int(request.query_params.get("page", 1))
            size = int(request.query_params.get("page_size", 50))
        except ValueError:
            raise exceptions.ValidationError({"page": [_("Not a whole number.")]}) from None
        if page_number < 1 or not 1 <= size <= DefaultPagination.max_page_size:
            raise exceptions.ValidationError({"page_size": [_("Out of range.")]})
        page = selectors.violators_page(
            on=on,
            region=region,
            limit=size,
            offset=(page_number - 1) * size,
            sort=request.query_params.get("sort", "employees"),
        )
        if not page.rows and page_number > 1:
            raise exceptions.NotFound(_("Invalid page."))
        base = request.build_absolute_uri(request.path)
        query = request.query_params.copy()

        def link(number: int) -> str:
            query["page"] = str(number)
            return f"{base}?{query.urlencode()}"

        has_next = page_number * size < page.total
        return Response(
            {
                "count": page.total,
                "next": link(page_number + 1) if has_next else None,
                "previous": link(page_number - 1) if page_number > 1 else None,
                "on": on,
                "results": ViolatorOutput(page.rows, many=True).data,
            }
        )


class CaseListApi(generics.ListAPIView):
    permission_classes = [IsViolatorsReader]
    serializer_class = CaseOutput
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.case_list(user=self.request.user).order_by("updated_at", "pk")
        since = _updated_since(self.request)
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        if state := self.request.query_params.get("state"):
            queryset = queryset.filter(state=state)
        return queryset

    @extend_schema(
        operation_id="osns_cases_list",
        summary="Tracked cases of uninsured employers (the daily scan)",
        parameters=[UPDATED_SINCE, OpenApiParameter("state", str)],
        responses={200: CaseOutput(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class CaseDetailApi(APIView):
    permission_classes = [IsViolatorsReader]

    @extend_schema(
        operation_id="osns_cases_retrieve",
        summary="One tracked case with its evidence",
        responses={200: CaseOutput, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get(user=request.user, pk=pk)
        if case is None:
            raise exceptions.NotFound()
        return Response(CaseOutput(case).data)
