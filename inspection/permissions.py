"""Who may work with inspection records, and in which region (INTERFACES.md § Who uses what).

Inspectors record and edit inspections, accidents and investigations of their own
region only; chief inspectors and administrators work with every region.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.models import Role
from core.roles import has_role, role_of, user_region_code

INSPECTION_ROLES: tuple[str, ...] = (Role.INSPECTOR, Role.CHIEF_INSPECTOR, Role.ADMIN)


def may_use_inspection(user) -> bool:
    return has_role(user, *INSPECTION_ROLES)


def may_write_region(user, region_code: str | None) -> bool:
    """An inspector writes only in their own region; chief inspectors and admins anywhere."""
    role = role_of(user)
    if role not in INSPECTION_ROLES:
        return False
    if role == Role.INSPECTOR:
        return region_code is not None and user_region_code(user) == region_code
    return True


def ensure_may_write_region(user, region_code: str | None) -> None:
    if not may_write_region(user, region_code):
        raise PermissionDenied(_("You may only record data of your own region."))


def fixed_region_code(user) -> str | None:
    """The one region a user is bound to, or None when every region is open to them."""
    return user_region_code(user)
