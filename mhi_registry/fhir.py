"""FHIR R4 face of the status look-up for medical systems (INTERFACES.md; FHIR R4B models).

``POST /fhir/CoverageEligibilityRequest`` (and ``.../$submit``) takes a
CoverageEligibilityRequest whose patient carries the IIN as an identifier
(system ``urn:kz:iin``; on the reference or on a contained Patient) and
``servicedDate`` as the day of care, and answers a CoverageEligibilityResponse
for that day: ``insurance[0].inforce`` = insured, ``benefitPeriod`` = the
connected stretch of cover, ``disposition`` = the funding source. Malformed
input gets an OperationOutcome with status 400. Nothing about basis or category.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import ValidationError as PydanticValidationError
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.views import APIView

from core.api.permissions import HasRole
from core.models import Role

from . import selectors
from .store import today

IIN_SYSTEM = "urn:kz:iin"
FHIR_JSON = "application/fhir+json"


class FhirJsonParser(BaseParser):
    """Reads the raw body; JSON and FHIR validation happen in the view (OperationOutcome)."""

    media_type = FHIR_JSON

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class PlainJsonParser(FhirJsonParser):
    media_type = "application/json"


class FhirError(Exception):
    def __init__(self, code: str, diagnostics: str, status: int = 400, expression: str = ""):
        super().__init__(diagnostics)
        self.code, self.diagnostics, self.status, self.expression = (
            code,
            diagnostics,
            status,
            expression,
        )


def fhir_response(resource, status: int = 200) -> HttpResponse:
    return HttpResponse(
        resource.model_dump_json(exclude_none=True), status=status, content_type=FHIR_JSON
    )


def outcome(error: FhirError) -> HttpResponse:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": error.code,
        "diagnostics": error.diagnostics,
    }
    if error.expression:
        issue["expression"] = [error.expression]
    return fhir_response(OperationOutcome(issue=[issue]), error.status)


def patient_iin(request_resource: CoverageEligibilityRequest, raw: dict) -> str:
    """The IIN: the patient reference's identifier, or a contained Patient's identifier."""
    identifiers: list[tuple[Any, Any]] = []
    ref = request_resource.patient
    if ref.identifier is not None:
        identifiers.append((ref.identifier.system, ref.identifier.value))
    if ref.reference and ref.reference.startswith("#"):
        for contained in raw.get("contained") or []:
            if not isinstance(contained, dict) or contained.get("resourceType") != "Patient":
                continue
            if "#" + str(contained.get("id")) == ref.reference:
                identifiers.extend(
                    (i.get("system"), i.get("value"))
                    for i in contained.get("identifier") or []
                    if isinstance(i, dict)
                )
    for system, value in identifiers:
        if system == IIN_SYSTEM and value:
            return str(value)
    raise FhirError(
        "required",
        f"The patient needs an identifier with system {IIN_SYSTEM} (the IIN).",
        expression="CoverageEligibilityRequest.patient.identifier",
    )


class CoverageEligibilityApi(APIView):
    permission_classes = [HasRole(Role.MEDICAL_SYSTEM, Role.ADMIN)]
    parser_classes = [FhirJsonParser, PlainJsonParser]
    schema = None  # a FHIR endpoint, described by its CapabilityStatement, not OpenAPI

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = outcome(FhirError("login", str(exc.detail), 401))
            response["WWW-Authenticate"] = "Token"
            return response
        if isinstance(exc, exceptions.PermissionDenied):
            return outcome(FhirError("forbidden", str(exc.detail), 403))
        if isinstance(exc, exceptions.UnsupportedMediaType):
            return outcome(FhirError("not-supported", str(exc.detail), 415))
        if isinstance(exc, exceptions.Throttled):
            return outcome(FhirError("throttled", str(exc.detail), 429))
        if isinstance(exc, exceptions.MethodNotAllowed):
            return outcome(FhirError("not-supported", str(exc.detail), 405))
        return super().handle_exception(exc)

    def post(self, request, *args, **kwargs):
        try:
            return self._answer(request)
        except FhirError as error:
            return outcome(error)

    def _answer(self, request) -> HttpResponse:
        body = request.data
        try:
            raw = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FhirError("invalid", f"The body is not JSON: {exc}") from exc
        if not isinstance(raw, dict) or raw.get("resourceType") != "CoverageEligibilityRequest":
            raise FhirError(
                "invalid",
                "The body must be a CoverageEligibilityRequest resource.",
                expression="resourceType",
            )
        try:
            parsed = CoverageEligibilityRequest.model_validate(raw)
        except PydanticValidationError as exc:
            first = exc.errors()[0]
            path = ".".join(str(p) for p in first.get("loc", ()))
            raise FhirError(
                "structure",
                f"{path}: {first.get('msg')}",
                expression=f"CoverageEligibilityRequest.{path}" if path else "",
            ) from exc
        iin = patient_iin(parsed, raw)
        on = parsed.servicedDate or today()
        if isinstance(on, str):
            on = dt.date.fromisoformat(on)
        lookup = selectors.Lookup(on=on, as_of=today(), full=False, stretch=True)
        audit = selectors.audit_of(request.user, "fhir")
        result = selectors.status_answers([iin], lookup=lookup, audit=audit)[0]
        if "error" in result:
            raise FhirError(
                "value",
                f"The IIN is malformed: {result['error']}",
                expression="CoverageEligibilityRequest.patient.identifier.value",
            )
        item: dict[str, Any] = {
            "coverage": {"display": "MHI (ОСМС / МӘМС)"},
            "inforce": result["insured"],
        }
        if result["insured"]:
            period = {"start": result["covered_from"]}
            if result["covered_until"]:
                period["end"] = result["covered_until"]
            item["benefitPeriod"] = period
        response = CoverageEligibilityResponse(
            status="active",
            purpose=["validation"],
            patient=parsed.patient.model_dump(exclude_none=True),
            servicedDate=on,
            created=timezone.now(),
            request=(
                {"reference": f"CoverageEligibilityRequest/{parsed.id}"}
                if parsed.id
                else {"display": "CoverageEligibilityRequest"}
            ),
            outcome="complete",
            disposition=result["funding_source"],
            insurer=parsed.insurer.model_dump(exclude_none=True),
            insurance=[item],
        )
        return fhir_response(response)
