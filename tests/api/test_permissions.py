"""Role permissions of the REST API (INTERFACES.md, "Who uses what")."""

from __future__ import annotations

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.api.permissions import HasRole, IsInspector, IsInsurer, RolePermission
from core.models import Role


class InspectorsOnly(APIView):
    permission_classes = [IsInspector]

    def get(self, request):
        return Response({"ok": True})


def call(view_class, user=None, token=None):
    factory = APIRequestFactory()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    request = factory.get("/x/", **headers)
    if user is not None:
        from rest_framework.test import force_authenticate

        force_authenticate(request, user=user)
    response = view_class.as_view()(request)
    response.render()
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("inspector", True),
        ("chief_inspector", True),
        ("insurer", False),
        ("medical_system", False),
        ("mhi_operator", False),
        ("ops", False),
        ("admin", False),
    ],
)
def test_has_role_lets_in_only_the_listed_roles(make_user, insurer_org, role, allowed):
    user = make_user(
        role,
        region="75" if role == "inspector" else None,
        organisation=insurer_org if role == "insurer" else None,
    )

    response = call(InspectorsOnly, user=user)

    if allowed:
        assert (response.status_code, response.data) == (200, {"ok": True})
    else:
        assert response.status_code == 403
        assert set(response.data) == {"detail"}
        assert str(response.data["detail"]) == str(RolePermission.message)


@pytest.mark.django_db
def test_anonymous_gets_401_with_www_authenticate_not_403():
    response = call(InspectorsOnly)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.data) == {"detail"}


@pytest.mark.django_db
def test_user_without_a_profile_is_refused(django_user_model):
    user = django_user_model.objects.create_user("bare", password="x-Long-pass-1")

    assert call(InspectorsOnly, user=user).status_code == 403


@pytest.mark.django_db
def test_token_authenticated_role_is_checked(make_user, insurer_org):
    from rest_framework.authtoken.models import Token

    class InsurersOnly(APIView):
        permission_classes = [IsInsurer]

        def get(self, request):
            return Response({"bin": request.user.profile.organisation.bin})

    insurer = make_user("insurer", organisation=insurer_org)
    inspector = make_user("inspector", region="75")

    ok = call(InsurersOnly, token=Token.objects.create(user=insurer).key)
    refused = call(InsurersOnly, token=Token.objects.create(user=inspector).key)

    assert (ok.status_code, ok.data) == (200, {"bin": insurer_org.bin})
    assert refused.status_code == 403


def test_has_role_refuses_unknown_or_missing_roles():
    with pytest.raises(ValueError):
        HasRole("emperor")
    with pytest.raises(ValueError):
        HasRole()
    assert HasRole(Role.OPS, Role.ADMIN).roles == ("ops", "admin")
