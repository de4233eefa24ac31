"""REST API of INTERFACES.md § Inspection: inspections and accidents.

Inspectors, chief inspectors and administrators only. Reading another region's
record answers 404 (lists leave it out); writing into another region answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import DepthLimitedJSONParser
from core.api.permissions import HasRole
from core.errors import nest_error_paths

from . import selectors, services
from .filters import AccidentFilterSet, InspectionFilterSet
from .permissions import INSPECTION_ROLES, ensure_may_write_region
from .serializers import input_serializer as input_serializer_of
from .serializers import output_serializer as output_serializer_of
from .shapes import ACCIDENT, INSPECTION, RecordShape

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


def _call_service(service: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(nest_error_paths(exc.message_dict)) from exc


class _InspectionApiBase:
    permission_classes = [HasRole(*INSPECTION_ROLES)]
    parser_classes = [DepthLimitedJSONParser]


def _record_apis(
    shape: RecordShape, filterset: type, summaries: tuple[str, str, str, str], patch_rule: str
) -> tuple[type, type]:
    """The list/create and the read/correct endpoints of one kind of record.

    ``summaries``: of the list, the create, the read and the correction.
    """
    name, plural = shape.key, f"{shape.key}s"
    model = shape.model
    input_serializer, output_serializer = input_serializer_of(shape), output_serializer_of(shape)
    list_of = getattr(selectors, f"{name}_list")
    get_of = getattr(selectors, f"{name}_get")
    create, update = getattr(services, f"{name}_create"), getattr(services, f"{name}_update")

    def stored(pk: int) -> dict:
        return output_serializer(getattr(selectors, f"{name}_queryset")().get(pk=pk)).data

    class ListCreateApi(_InspectionApiBase, generics.ListAPIView):
        serializer_class = output_serializer
        filter_backends = [DjangoFilterBackend]
        filterset_class = filterset

        def get_queryset(self):
            return list_of(user=self.request.user)

        @extend_schema(
            operation_id=f"{plural}_list",
            summary=summaries[0],
            responses={
                200: output_serializer(many=True),
                **BAD_REQUEST,
                **ERRORS,
                **PAGE_NOT_FOUND,
            },
        )
        def get(self, request: Request, *args, **kwargs) -> Response:
            return super().get(request, *args, **kwargs)

        @extend_schema(
            operation_id=f"{plural}_create",
            summary=summaries[1],
            request=input_serializer,
            responses={201: output_serializer, **BAD_REQUEST, **ERRORS},
        )
        def post(self, request: Request) -> Response:
            serializer = input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            record = _call_service(create, acting_user=request.user, **serializer.validated_data)
            return Response(stored(record.pk), status=status.HTTP_201_CREATED)

    class DetailApi(_InspectionApiBase, APIView):
        @extend_schema(
            operation_id=f"{plural}_retrieve",
            summary=summaries[2],
            responses={200: output_serializer, **ERRORS, **NOT_FOUND},
        )
        def get(self, request: Request, pk: int) -> Response:
            record = get_of(user=request.user, pk=pk)
            if record is None:
                raise exceptions.NotFound()
            return Response(output_serializer(record).data)

        @extend_schema(
            operation_id=f"{plural}_partial_update",
            summary=summaries[3],
            description=f"Only the fields given change. {patch_rule}",
            request=input_serializer,
            responses={200: output_serializer, **BAD_REQUEST, **ERRORS, **NOT_FOUND},
        )
        def patch(self, request: Request, pk: int) -> Response:
            # Any region's record: the write is refused with 403 outside one's own.
            record = model.objects.filter(pk=pk).first()
            if record is None:
                raise exceptions.NotFound()
            ensure_may_write_region(request.user, record.region_id)
            serializer = input_serializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            _call_service(update, **{name: record}, acting_user=request.user, **data)
            return Response(stored(pk))

    title = model.__name__
    ListCreateApi.__name__ = ListCreateApi.__qualname__ = f"{title}ListCreateApi"
    DetailApi.__name__ = DetailApi.__qualname__ = f"{title}DetailApi"
    return ListCreateApi, DetailApi


InspectionListCreateApi, InspectionDetailApi = _record_apis(
    INSPECTION,
    InspectionFilterSet,
    (
        "Inspections of your scope",
        "Record an inspection",
        "One inspection",
        "Correct an inspection",
    ),
    "A child list given replaces the stored list: items with an id are edited, items "
    "without one are added, stored items not listed are deleted.",
)
AccidentListCreateApi, AccidentDetailApi = _record_apis(
    ACCIDENT,
    AccidentFilterSet,
    ("Accidents of your scope", "Record an accident", "One accident", "Correct an accident"),
    "victims given replaces the stored list (items with an id are edited, items without one "
    "are added, the rest deleted); investigation given as an object creates or edits it, null "
    "deletes it.",
)
