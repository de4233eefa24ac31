"""REST API of the monthly forms (INTERFACES.md § Reports).

- ``GET reports/{form}/{YYYY-MM}/``: the final version if one exists, else the
  latest draft, else 404; ``?version=N`` for any other. A GET never generates.
- ``GET|POST reports/{form}/{YYYY-MM}/versions/``: the versions of the month;
  POST (chief inspector, operations) generates a new one.
- ``GET reports/{form}/{YYYY-MM}/versions/{N}/`` and ``…/{N}/xlsx``, ``…/{N}/pdf``.
- ``POST reports/{form}/{YYYY-MM}/versions/{N}/finalise/`` (chief inspector).

Scope: an inspector sees the forms of their own region only, i.e. the
version with just their region's row and no republic total (``total`` is
null); the downloads are cut the same way. Other roles see every row.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import DefaultPagination
from core.models import Region
from core.roles import user_region_code

from .definitions import FORMS, UnknownForm, form_and_period
from .exports import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, PrintedForm, render_pdf, render_xlsx
from .models import FormVersion, VersionSource
from .payloads import report_payload, version_summary
from .periods import PeriodError
from .selectors import version_to_show, versions_of
from .serializers import ReportOutput, VersionSummaryOutput
from .services import FormVersionConflict, form_finalise, form_generate

MAX_VERSION = 2**31 - 1

# --- Scope and path parameters --------------------------------------------------


class CanViewForms(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("reports.view_formversion")


def resolve_form_period(form: str, period: str) -> tuple[str, date]:
    try:
        return form_and_period(form, period)
    except UnknownForm as exc:
        raise NotFound(_("Unknown form. Use 1-meizhm or 2-ozh.")) from exc
    except PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc


def parse_version_number(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_VERSION else None


def scope_region_kato(user) -> str | None:
    """The КАТО of the only row an inspector sees; None for every other role."""
    code = user_region_code(user)
    if code is None:
        return None
    return Region.objects.filter(code=code).values_list("kato", flat=True).first() or "-"


def get_version(form: str, period: date, number: str) -> FormVersion:
    n = parse_version_number(number)
    version = version_to_show(form=form, period=period, number=n) if n else None
    if version is None:
        raise NotFound(_("This form has no such version for the month."))
    return version


# --- Schema pieces --------------------------------------------------------------

ErrorOutput = inline_serializer("ReportError", {"detail": serializers.CharField()})
ValidationErrorOutput = inline_serializer(
    "ReportValidationError",
    {"detail": serializers.CharField(), "errors": serializers.DictField()},
)
FORM_PARAM = OpenApiParameter(
    "form", str, OpenApiParameter.PATH, enum=list(FORMS), description="1-meizhm or 2-ozh"
)
PERIOD_PARAM = OpenApiParameter(
    "period",
    str,
    OpenApiParameter.PATH,
    pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
    description="Reporting month, YYYY-MM.",
)
NUMBER_PARAM = OpenApiParameter(
    "number",
    int,
    OpenApiParameter.PATH,
    description="Version number (1, 2, …).",
)
COMMON_ERRORS = {
    400: OpenApiResponse(ValidationErrorOutput, description="Malformed period or parameter."),
    403: OpenApiResponse(ErrorOutput, description="The role may not do this."),
    404: OpenApiResponse(ErrorOutput, description="Unknown form, or no such version."),
}


VersionPageOutput = inline_serializer(
    "ReportVersionPage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": VersionSummaryOutput(many=True),
    },
)


class VersionQuery(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_VERSION)


class VersionListQuery(serializers.Serializer):
    updated_since = serializers.DateTimeField(required=False)


def _query(serializer_class: type[serializers.Serializer], request) -> dict:
    """The query parameters, checked (400 naming the parameter otherwise)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


# --- Views ----------------------------------------------------------------------


class ReportApi(APIView):
    permission_classes = [CanViewForms]

    @extend_schema(
        operation_id="reports_form_month",
        summary="The form of a month: the final version, else the latest draft",
        parameters=[FORM_PARAM, PERIOD_PARAM, VersionQuery],
        responses={200: ReportOutput, **COMMON_ERRORS},
    )
    def get(self, request, form: str, period: str):
        form, month = resolve_form_period(form, period)
        number = _query(VersionQuery, request).get("version")
        version = version_to_show(form=form, period=month, number=number)
        if version is None:
            raise NotFound(_("No version of this form has been generated for the month."))
        data = report_payload(request, version, scope_region_kato(request.user))
        return Response(ReportOutput(data).data)


class VersionListApi(APIView):
    permission_classes = [CanViewForms]

    @extend_schema(
        operation_id="reports_versions_list",
        summary="Versions of a form for a month, newest first",
        parameters=[FORM_PARAM, PERIOD_PARAM, VersionListQuery],
        responses={200: VersionPageOutput, **COMMON_ERRORS},
    )
    def get(self, request, form: str, period: str):
        form, month = resolve_form_period(form, period)
        versions = versions_of(form=form, period=month)
        if since := _query(VersionListQuery, request).get("updated_since"):
            versions = versions.filter(updated_at__gte=since)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(versions, request, view=self)
        data = [version_summary(request, v) for v in page]
        return paginator.get_paginated_response(VersionSummaryOutput(data, many=True).data)

    @extend_schema(
        operation_id="reports_versions_generate",
        summary="Generate a new version (chief inspector, operations)",
        parameters=[FORM_PARAM, PERIOD_PARAM],
        request=None,
        responses={201: ReportOutput, **COMMON_ERRORS},
    )
    def post(self, request, form: str, period: str):
        if not request.user.has_perm("reports.add_formversion"):
            raise PermissionDenied(_("Only a chief inspector or operations may generate forms."))
        form, month = resolve_form_period(form, period)
        result = form_generate(
            form=form, period=month, acting_user=request.user, source=VersionSource.API
        )
        data = report_payload(request, result.version, scope_region_kato(request.user))
        return Response(ReportOutput(data).data, status=status.HTTP_201_CREATED)


class VersionApi(APIView):
    permission_classes = [CanViewForms]

    @extend_schema(
        operation_id="reports_version_detail",
        summary="One version of a form",
        parameters=[FORM_PARAM, PERIOD_PARAM, NUMBER_PARAM],
        responses={200: ReportOutput, **COMMON_ERRORS},
    )
    def get(self, request, form: str, period: str, number: str):
        form, month = resolve_form_period(form, period)
        version = get_version(form, month, number)
        data = report_payload(request, version, scope_region_kato(request.user))
        return Response(ReportOutput(data).data)


class VersionFinaliseApi(APIView):
    permission_classes = [CanViewForms]

    @extend_schema(
        operation_id="reports_version_finalise",
        summary="Finalise a version (chief inspector); it is immutable from then on",
        parameters=[FORM_PARAM, PERIOD_PARAM, NUMBER_PARAM],
        request=None,
        responses={
            200: ReportOutput,
            409: OpenApiResponse(
                ErrorOutput,
                description="The version is already final, or another version is final.",
            ),
            **COMMON_ERRORS,
        },
    )
    def post(self, request, form: str, period: str, number: str):
        if not request.user.has_perm("reports.finalise_formversion"):
            raise PermissionDenied(_("Only a chief inspector may finalise a form."))
        form, month = resolve_form_period(form, period)
        version = get_version(form, month, number)
        try:
            version = form_finalise(version=version, acting_user=request.user)
        except FormVersionConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        data = report_payload(request, version, scope_region_kato(request.user))
        return Response(ReportOutput(data).data)


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file type; errors are still sent as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


def _download_api(extension: str, content_type: str, render, summary: str) -> type[APIView]:
    """The download of a version as a file laid out like the printed form."""
    renderer = type(
        f"{extension.title()}Renderer",
        (_FileRenderer,),
        {"media_type": content_type, "format": extension},
    )

    class DownloadApi(APIView):
        permission_classes = [CanViewForms]
        renderer_classes = [JSONRenderer, renderer]

        @extend_schema(
            operation_id=f"reports_version_{extension}",
            summary=summary,
            parameters=[FORM_PARAM, PERIOD_PARAM, NUMBER_PARAM],
            responses={(200, content_type): OpenApiTypes.BINARY, **COMMON_ERRORS},
        )
        def get(self, request, form: str, period: str, number: str):
            form, month = resolve_form_period(form, period)
            version = get_version(form, month, number)
            printed = PrintedForm.of(version, scope_region_kato(request.user))
            response = HttpResponse(render(printed), content_type=content_type)
            response["Content-Disposition"] = (
                f'attachment; filename="{printed.filename_stem}.{extension}"'
            )
            return response

    DownloadApi.__name__ = DownloadApi.__qualname__ = f"Version{extension.title()}Api"
    return DownloadApi


VersionXlsxApi = _download_api(
    "xlsx", XLSX_CONTENT_TYPE, render_xlsx, "The version as XLSX, laid out like the printed form"
)
VersionPdfApi = _download_api(
    "pdf",
    PDF_CONTENT_TYPE,
    render_pdf,
    "The version as PDF (A4 landscape), laid out like the printed form",
)
