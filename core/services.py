"""Writes of the core app: user accounts with their role and scope, API tokens.

The ``create_user`` command and the admin share these services, so an account
is always complete: a group named after the role, a ``UserProfile`` with the
region (inspectors) or organisation (insurers), and the staff and superuser
flags that belong to the role.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.audit import acting
from core.models import Organisation, Region, Role, UserProfile
from core.models.organisations import TOKEN_ROTATED
from core.validators import validate_iin_bin

logger = logging.getLogger(__name__)

# Roles whose users may open the Django admin; what they see there is limited
# by their group's permissions (admins are superusers and see everything).
STAFF_ROLES = frozenset({Role.ADMIN, Role.OPS, Role.CHIEF_INSPECTOR})
# Roles that may be bound to a region or to an organisation.
REGION_ROLES = frozenset({Role.INSPECTOR})
ORGANISATION_ROLES = frozenset({Role.INSURER, Role.MEDICAL_SYSTEM})


@dataclass(frozen=True)
class UserResult:
    user: AbstractUser
    created: bool
    # The password when this call generated it; None when given or unchanged.
    generated_password: str | None


def generate_password() -> str:
    return secrets.token_urlsafe(18)


def _resolve_region(role: str, region_code: str | None) -> Region | None:
    if role in REGION_ROLES and not region_code:
        raise ValidationError({"region": _("An inspector must be bound to a region.")})
    if not region_code:
        return None
    if role not in REGION_ROLES:
        raise ValidationError({"region": _("Only inspectors are bound to a region.")})
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        known = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
        raise ValidationError(
            {
                "region": _("Unknown region code %(code)s; known codes: %(known)s.")
                % {"code": region_code, "known": known}
            }
        )
    return region


def _resolve_organisation(role: str, organisation_bin: str | None) -> Organisation | None:
    if role == Role.INSURER and not organisation_bin:
        raise ValidationError({"organisation": _("An insurer must be bound to an organisation.")})
    if not organisation_bin:
        return None
    if role not in ORGANISATION_ROLES:
        raise ValidationError(
            {"organisation": _("Only insurers and medical systems are bound to an organisation.")}
        )
    try:
        validate_iin_bin(organisation_bin)
    except ValidationError as exc:
        raise ValidationError({"organisation": exc.messages}) from exc
    organisation = Organisation.objects.filter(bin=organisation_bin).first()
    if organisation is None:
        raise ValidationError(
            {
                "organisation": _("No organisation with BIN %(bin)s is registered; add it first.")
                % {"bin": organisation_bin}
            }
        )
    return organisation


@transaction.atomic
def user_create_or_update(
    *,
    username: str,
    role: str,
    region_code: str | None = None,
    organisation_bin: str | None = None,
    password: str | None = None,
    acting_user: AbstractUser | None = None,
) -> UserResult:
    """Creates the user or brings an existing one to the given role and scope.

    A new user gets ``password`` or, without one, a generated password. An
    existing user keeps the password unless ``password`` is given. The role's
    group replaces any other role group; admins are superusers, ops and chief
    inspectors are staff.
    """
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s; one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    region = _resolve_region(role, region_code)
    organisation = _resolve_organisation(role, organisation_bin)

    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created:
        user = user_model(username=username)
    generated = None
    if password is None and created:
        password = generated = generate_password()
    if password is not None:
        validate_password(password, user=user)
        user.set_password(password)
    user.is_superuser = role == Role.ADMIN
    user.is_staff = role in STAFF_ROLES
    user.is_active = True
    user.full_clean()

    with acting(acting_user):
        user.save()
        profile = UserProfile.objects.filter(user=user).first() or UserProfile(user=user)
        profile.role = role
        profile.region = region
        profile.organisation = organisation
        profile.full_clean()
        profile.save()

        role_groups = Group.objects.filter(name__in=Role.values)
        user.groups.remove(*role_groups.exclude(name=role))
        group, _created = Group.objects.get_or_create(name=role)
        user.groups.add(group)

    logger.info(
        "user %s %s with role %s",
        user.pk,
        "created" if created else "updated",
        role,
    )
    return UserResult(user=user, created=created, generated_password=generated)


@transaction.atomic
def token_get_or_create(*, user: AbstractUser) -> Token:
    """The user's API token, created when it has none."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def token_rotate(*, user: AbstractUser, acting_user: AbstractUser | None = None) -> Token:
    """Replaces the user's API token: the old key stops working at once. The rotation is
    an event of the user's profile history (``token.rotate``, who did it), without the key."""
    with acting(acting_user):
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        profile = UserProfile.objects.filter(user=user).first()
        if profile is not None:
            pghistory.create_event(profile, label=TOKEN_ROTATED)
    logger.info(
        "API token of user %s rotated by %s",
        user.pk,
        acting_user.pk if acting_user is not None else "command",
    )
    return token
