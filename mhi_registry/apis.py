"""REST API of INTERFACES.md § MHI: status look-ups and manual inclusions.

IINs travel in bodies only (never in URLs), so access logs hold none; every
look-up is recorded in ``StatusLookup`` for audit.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from core.api.permissions import HasRole
from core.models import Role, UserProfile
from core.roles import has_role
from inspection.apis import _call_service

from . import engine, selectors, services
from .models import InclusionGroup
from .store import today

MAX_IINS = 1000
FULL_ANSWER_ROLES = (Role.MHI_OPERATOR, Role.ADMIN)


class ProfileTokenAuthentication(TokenAuthentication):
    """Token authentication reading the token, its user and the user's profile (the role)
    in one plain query: the look-up endpoints answer many small requests, and building
    the ORM's joined query cost more than running it. The user's other fields are
    deferred (loaded only if something reads them)."""

    USER_FIELDS = {"id", "username", "is_active", "is_superuser", "is_staff"}
    PROFILE_FIELDS = {"id", "user_id", "role", "region_id", "organisation_id"}

    def authenticate_credentials(self, key):
        user_model = get_user_model()
        # from_db takes the values in the order of the model's fields
        user_fields = [
            f.attname for f in user_model._meta.concrete_fields if f.attname in self.USER_FIELDS
        ]
        profile_fields = [
            f.attname for f in UserProfile._meta.concrete_fields if f.attname in self.PROFILE_FIELDS
        ]
        sql = (
            f"SELECT t.created, {', '.join(f'u.{c}' for c in user_fields)}, "
            f"{', '.join(f'p.{c}' for c in profile_fields)} "
            f"FROM {Token._meta.db_table} AS t "
            f"JOIN {user_model._meta.db_table} AS u ON u.id = t.user_id "
            f"LEFT JOIN {UserProfile._meta.db_table} AS p ON p.user_id = u.id "
            "WHERE t.key = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        width = len(user_fields)
        user = user_model.from_db(DEFAULT_DB_ALIAS, user_fields, row[1 : 1 + width])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        profile_row = row[1 + width :]
        if profile_row[profile_fields.index("id")] is not None:
            user.profile = UserProfile.from_db(DEFAULT_DB_ALIAS, profile_fields, profile_row)
        token = Token.from_db(
            DEFAULT_DB_ALIAS, ("key", "user_id", "created"), (key, user.pk, row[0])
        )
        return (user, token)


class ProfileTokenScheme(OpenApiAuthenticationExtension):
    """The look-up endpoints' token scheme in the OpenAPI schema: the same
    ``Authorization: Token <key>`` header as everywhere, under a name of its own."""

    target_class = ProfileTokenAuthentication
    name = "lookupTokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )


class LookupRateThrottle(UserRateThrottle):
    """The users' rate of the settings, counted per fixed window with one atomic INCR.

    DRF's ``UserRateThrottle`` keeps every request's timestamp of the last window in
    one cache value, read and rewritten whole on each request: at thousands of
    look-ups a minute that list is the request's largest cost. Here the count of the
    current window is one Redis integer: one INCR (and an EXPIRE on the window's first).
    """

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = self.cache.make_and_validate_key(f"{self.key}:{window}")
        client = self._client(key)
        count = client.incr(key)
        if count == 1:  # the window's first request: the key goes with its window
            client.expire(key, self.duration + 1)
        return count <= self.num_requests

    def wait(self) -> float:
        return self.duration - (self.now % self.duration)

    _clients: dict = {}

    def _client(self, key: str):
        """The cache's Redis client, made once per process (building one per request,
        as the cache backend does, costs more than the round trip)."""
        held = self._clients.get(os.getpid())
        if held is None:
            held = self._clients[os.getpid()] = self.cache._cache.get_client(key, write=True)
        return held


@extend_schema_field(
    {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": MAX_IINS}
)
class IinListField(serializers.Field):
    """1 to 1 000 items, each checked later as an IIN (a malformed one is an item error,
    not a failed request), so no per-item field is run."""

    default_error_messages = {
        "not_a_list": _("Expected a list of IINs."),
        "empty": _("At least one IIN is required."),
        "max_length": _("No more than 1 000 IINs in one request."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not data:
            self.fail("empty")
        if len(data) > MAX_IINS:
            self.fail("max_length")
        return data

    def to_representation(self, value):
        return value


class StatusRequestSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Day of care; default today.")
    as_of = serializers.DateField(required=False, help_text="Knowledge date; default today.")
    iins = IinListField(help_text="1 to 1 000 IINs; a malformed one gets an item error.")


StatusResultSerializer = inline_serializer(
    name="MhiStatusResult",
    many=True,
    fields={
        "iin": serializers.CharField(),
        "on": serializers.DateField(required=False),
        "as_of": serializers.DateField(required=False),
        "insured": serializers.BooleanField(required=False),
        "funding_source": serializers.ChoiceField(["mhi", "gobmp"], required=False),
        "covered_until": serializers.DateField(allow_null=True, required=False),
        "basis": serializers.CharField(
            allow_null=True, required=False, help_text="MHI operators only."
        ),
        "category": serializers.CharField(
            allow_null=True, required=False, help_text="MHI operators only."
        ),
        "explanation": serializers.ListField(
            child=serializers.JSONField(), required=False, help_text="MHI operators only."
        ),
        "error": serializers.CharField(required=False, help_text="A malformed IIN."),
    },
)


def lookup_params(data: dict) -> selectors.Lookup:
    now = today()
    return selectors.Lookup(on=data.get("on") or now, as_of=data.get("as_of") or now, full=False)


class StatusApi(APIView):
    authentication_classes = [ProfileTokenAuthentication, SessionAuthentication]
    throttle_classes = [LookupRateThrottle]
    permission_classes = [HasRole(Role.MEDICAL_SYSTEM, Role.MHI_OPERATOR, Role.ADMIN)]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="mhi_status",
        summary="Who is entitled to MHI care on a day (MHI_RULES.md)",
        description="Medical systems get {iin, on, as_of, insured, funding_source, "
        "covered_until}; MHI operators also basis, category and explanation.",
        request=StatusRequestSerializer,
        responses={
            200: inline_serializer(
                name="MhiStatusResponse", fields={"results": StatusResultSerializer}
            ),
            400: OpenApiResponse(description="Invalid fields, or the only IIN is malformed."),
            401: OpenApiResponse(description="Not authenticated."),
            403: OpenApiResponse(description="Not a medical system or MHI operator."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = StatusRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        base = lookup_params(data)
        lookup = selectors.Lookup(
            on=base.on, as_of=base.as_of, full=has_role(request.user, *FULL_ANSWER_ROLES)
        )
        iins = data["iins"]
        audit = selectors.audit_of(request.user, "api")
        results = selectors.status_answers(iins, lookup=lookup, audit=audit)
        if len(results) == 1 and "error" in results[0]:
            raise exceptions.ValidationError({"iins": {0: [results[0]["error"]]}})
        return Response({"results": results})


class DocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    number = serializers.CharField(max_length=64)
    issued_on = serializers.DateField()


class ManualInclusionSerializer(serializers.Serializer):
    iin = serializers.CharField()
    group = serializers.ChoiceField(InclusionGroup.values)
    application_date = serializers.DateField()
    documents = DocumentSerializer(many=True, allow_empty=True)


def inclusion_data(inclusion) -> dict:
    return {
        "id": inclusion.pk,
        "iin": inclusion.iin,
        "group": inclusion.group,
        "application_date": inclusion.application_date.isoformat(),
        "covered_until": (
            engine.add_months(inclusion.application_date, 1) - engine.DAY
        ).isoformat(),
        "entered_on": inclusion.delivered_on.isoformat(),
        "operator": inclusion.operator.get_username(),
        "documents": [
            {"kind": d.kind_id, "number": d.number, "issued_on": d.issued_on.isoformat()}
            for d in inclusion.documents.all()
        ],
    }


class ManualInclusionApi(APIView):
    permission_classes = [HasRole(Role.MHI_OPERATOR, Role.ADMIN)]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="mhi_manual_inclusions_create",
        summary="Include a person by hand for one month (MHI_RULES.md M6; cl. 21, 57)",
        request=ManualInclusionSerializer,
        responses={
            201: OpenApiResponse(description="The inclusion with its documents."),
            400: OpenApiResponse(
                description="A missing document named, or the category the data already show."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ManualInclusionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inclusion = _call_service(
            services.include_manually,
            iin=data["iin"],
            group=data["group"],
            application_date=data["application_date"],
            documents=[dict(d) for d in data["documents"]],
            operator=request.user,
        )
        return Response(inclusion_data(inclusion), status=status.HTTP_201_CREATED)
