"""Role checks for the REST API.

Usage in an app's ``apis.py``::

    permission_classes = [HasRole(Role.INSPECTOR, Role.CHIEF_INSPECTOR)]

or one of the ready-made classes below. An authenticated user outside the
roles gets 403 with ``{"detail": ...}``; an anonymous caller gets 401 with a
``WWW-Authenticate: Token`` header (token authentication comes first in the
settings). Admins (superusers) are not let in implicitly: list
``Role.ADMIN`` where they belong, since endpoints scoped to an organisation
or a region have nothing to scope an admin by.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.models import Role
from core.roles import has_role


class RolePermission(BasePermission):
    """Lets in authenticated users whose role is one of ``roles``."""

    roles: tuple[str, ...] = ()
    message = _("Your role does not allow this request.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and has_role(user, *self.roles)


def HasRole(*roles: str) -> type[RolePermission]:
    """A permission class for the given roles: ``HasRole("inspector", "chief_inspector")``."""
    unknown = set(roles) - set(Role.values)
    if not roles or unknown:
        raise ValueError(f"HasRole needs known roles, got {roles!r}")
    name = "HasRole_" + "_".join(str(r) for r in roles)
    return type(name, (RolePermission,), {"roles": tuple(str(r) for r in roles)})


IsInspector = HasRole(Role.INSPECTOR, Role.CHIEF_INSPECTOR)
IsChiefInspector = HasRole(Role.CHIEF_INSPECTOR)
IsInsurer = HasRole(Role.INSURER)
IsMedicalSystem = HasRole(Role.MEDICAL_SYSTEM)
IsMhiOperator = HasRole(Role.MHI_OPERATOR)
IsMhiReader = HasRole(Role.MEDICAL_SYSTEM, Role.MHI_OPERATOR)
IsOps = HasRole(Role.OPS)
IsAdmin = HasRole(Role.ADMIN)
