"""Roles of INTERFACES.md as groups and permissions, and the checks views use.

Each role is a Django group of the same name; its permissions are kept in
step with ``ROLE_PERMISSIONS`` after every migration. Scope (the inspector's
region, the insurer's organisation) lives on ``UserProfile``.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, Permission

from core.models import Role

# Permission codenames ("app_label.codename") per role. Apps add their models'
# permissions here as they arrive; unknown codenames are skipped until their
# migration exists.
INSPECTING = [
    f"inspection.{action}_{model}"
    for model in ("inspection", "accident")
    for action in ("view", "add", "change")
] + ["reports.view_formversion"]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.INSPECTOR: INSPECTING,
    Role.CHIEF_INSPECTOR: [
        *INSPECTING,
        "reports.add_formversion",
        "reports.finalise_formversion",
    ],
    Role.INSURER: [],
    Role.MEDICAL_SYSTEM: [],
    Role.MHI_OPERATOR: [],
    Role.OPS: [
        "core.view_feedfile",
        "core.view_feedrejection",
        "reports.view_formversion",
        "reports.add_formversion",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
    ],
    Role.ADMIN: [],  # admins are superusers
}


def sync_role_groups() -> None:
    """Create one group per role and give it exactly its permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        perms = []
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)


def role_of(user) -> str | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def user_region_code(user) -> str | None:
    """The region an inspector is bound to; None for roles that see every region."""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.role == Role.INSPECTOR:
        return profile.region_id
    return None


def user_organisation(user):
    profile = getattr(user, "profile", None)
    return profile.organisation if profile is not None else None
