"""Organisations (by BIN), roles and the user profile that binds a user to them."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_iin_bin

from .reference import Region


# Not tracked by row triggers: feeds register and update organisations in bulk
# (their facts are versioned by design), and a trigger per row made that many
# times slower. Hand edits are in the admin log.
class Organisation(models.Model):
    class Kind(models.TextChoices):
        INSURER = "insurer", _("insurer")
        EMPLOYER = "employer", _("employer")
        DEPARTMENT = "department", _("territorial department")
        MEDICAL = "medical", _("medical organisation")
        REGULATOR = "regulator", _("regulator")

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_iin_bin])
    name = models.CharField(_("name"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    kato = models.CharField(_("КАТО"), max_length=9, blank=True)
    oked = models.CharField(_("ОКЭД"), max_length=5, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bin__regex=r"^\d{12}$"), name="org_bin_12_digits"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="department") | models.Q(region__isnull=False),
                name="department_has_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("inspector")
    CHIEF_INSPECTOR = "chief_inspector", _("chief inspector")
    INSURER = "insurer", _("insurer")
    MEDICAL_SYSTEM = "medical_system", _("medical system")
    MHI_OPERATOR = "mhi_operator", _("MHI operator")
    OPS = "ops", _("operations")
    ADMIN = "admin", _("administrator")


# A token rotation is recorded against the profile (the key itself is never stored).
TOKEN_ROTATED = "token.rotate"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.ManualEvent(TOKEN_ROTATED)
)
class UserProfile(models.Model):
    """What a user is: a role, and the region or organisation it is bound to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="inspector") | models.Q(region__isnull=False),
                name="inspector_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="insurer") | models.Q(organisation__isnull=False),
                name="insurer_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}: {self.get_role_display()}"
