"""REST API of INTERFACES.md § Inspection: inspections and accidents.

Inspectors, chief inspectors and administrators only. Reading another region's
record answers 404 (lists leave it out); writing into another region answers 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import DepthLimitedJSONParser
from core.api.permissions import HasRole

from . import selectors, services
from .filters import AccidentFilterSet, InspectionFilterSet
from .permissions import INSPECTION_ROLES, ensure_may_write_region
from .serializers import (
    AccidentInputSerializer,
    AccidentOutputSerializer,
    InspectionInputSerializer,
    InspectionOutputSerializer,
)

ErrorSerializer = inline_serializer(
    name="InspectionErrorResponse",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="Field (nested for nested input) to messages; on 400 only.",
        ),
    },
)
ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(ErrorSerializer, description="Not an inspector, or another region."),
}
BAD_REQUEST = {400: OpenApiResponse(ErrorSerializer, description="Invalid fields.")}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such record in your scope.")}
PAGE_NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such page.")}

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def nest_error_paths(messages: dict[str, list[str]]) -> dict[Any, Any]:
    """``{"violations[1].eliminated_on": [...]}`` -> ``{"violations": {1: {"eliminated_on":
    [...]}}}``: the shape DRF gives its own errors of nested lists, so clients parse one."""
    root: dict[Any, Any] = {}
    for path, errors in messages.items():
        if path == NON_FIELD_ERRORS:
            path = "non_field_errors"
        tokens = [name or int(index) for name, index in _PATH_TOKEN.findall(path)] or [path]
        node = root
        for token in tokens[:-1]:
            child = node.setdefault(token, {})
            if not isinstance(child, dict):  # messages already sit at this level
                child = node[token] = {"non_field_errors": child}
            node = child
        leaf = node.setdefault(tokens[-1], [])
        if isinstance(leaf, dict):
            leaf.setdefault("non_field_errors", []).extend(errors)
        else:
            leaf.extend(errors)
    return root


def _call_service(service: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(nest_error_paths(exc.message_dict)) from exc


class _InspectionApiBase:
    permission_classes = [HasRole(*INSPECTION_ROLES)]
    parser_classes = [DepthLimitedJSONParser]


# --- inspections --------------------------------------------------------------------


class InspectionListCreateApi(_InspectionApiBase, generics.ListAPIView):
    serializer_class = InspectionOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)

    @extend_schema(
        operation_id="inspections_list",
        summary="Inspections of your scope",
        responses={
            200: InspectionOutputSerializer(many=True),
            **BAD_REQUEST,
            **ERRORS,
            **PAGE_NOT_FOUND,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="inspections_create",
        summary="Record an inspection",
        request=InspectionInputSerializer,
        responses={201: InspectionOutputSerializer, **BAD_REQUEST, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = InspectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = _call_service(
            services.inspection_create, acting_user=request.user, **serializer.validated_data
        )
        stored = selectors.inspection_queryset().get(pk=inspection.pk)
        return Response(InspectionOutputSerializer(stored).data, status=status.HTTP_201_CREATED)


class InspectionDetailApi(_InspectionApiBase, APIView):
    @extend_schema(
        operation_id="inspections_retrieve",
        summary="One inspection",
        responses={200: InspectionOutputSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        inspection = selectors.inspection_get(user=request.user, pk=pk)
        if inspection is None:
            raise exceptions.NotFound()
        return Response(InspectionOutputSerializer(inspection).data)

    @extend_schema(
        operation_id="inspections_partial_update",
        summary="Correct an inspection",
        description="Only the fields given change. A child list given replaces the stored "
        "list: items with an id are edited, items without one are added, stored items not "
        "listed are deleted.",
        request=InspectionInputSerializer,
        responses={200: InspectionOutputSerializer, **BAD_REQUEST, **ERRORS, **NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        inspection = selectors.inspection_get_for_update(pk=pk)
        if inspection is None:
            raise exceptions.NotFound()
        ensure_may_write_region(request.user, inspection.region_id)
        serializer = InspectionInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        _call_service(
            services.inspection_update,
            inspection=inspection,
            acting_user=request.user,
            **serializer.validated_data,
        )
        stored = selectors.inspection_queryset().get(pk=pk)
        return Response(InspectionOutputSerializer(stored).data)


# --- accidents ----------------------------------------------------------------------


class AccidentListCreateApi(_InspectionApiBase, generics.ListAPIView):
    serializer_class = AccidentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AccidentFilterSet

    def get_queryset(self):
        return selectors.accident_list(user=self.request.user)

    @extend_schema(
        operation_id="accidents_list",
        summary="Accidents of your scope",
        responses={
            200: AccidentOutputSerializer(many=True),
            **BAD_REQUEST,
            **ERRORS,
            **PAGE_NOT_FOUND,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="accidents_create",
        summary="Record an accident",
        request=AccidentInputSerializer,
        responses={201: AccidentOutputSerializer, **BAD_REQUEST, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = AccidentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accident = _call_service(
            services.accident_create, acting_user=request.user, **serializer.validated_data
        )
        stored = selectors.accident_queryset().get(pk=accident.pk)
        return Response(AccidentOutputSerializer(stored).data, status=status.HTTP_201_CREATED)


class AccidentDetailApi(_InspectionApiBase, APIView):
    @extend_schema(
        operation_id="accidents_retrieve",
        summary="One accident",
        responses={200: AccidentOutputSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        accident = selectors.accident_get(user=request.user, pk=pk)
        if accident is None:
            raise exceptions.NotFound()
        return Response(AccidentOutputSerializer(accident).data)

    @extend_schema(
        operation_id="accidents_partial_update",
        summary="Correct an accident",
        description="Only the fields given change. victims given replaces the stored list "
        "(items with an id are edited, items without one are added, the rest deleted); "
        "investigation given as an object creates or edits it, null deletes it.",
        request=AccidentInputSerializer,
        responses={200: AccidentOutputSerializer, **BAD_REQUEST, **ERRORS, **NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        accident = selectors.accident_get_for_update(pk=pk)
        if accident is None:
            raise exceptions.NotFound()
        ensure_may_write_region(request.user, accident.region_id)
        serializer = AccidentInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        _call_service(
            services.accident_update,
            accident=accident,
            acting_user=request.user,
            **serializer.validated_data,
        )
        stored = selectors.accident_queryset().get(pk=pk)
        return Response(AccidentOutputSerializer(stored).data)
