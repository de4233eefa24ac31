"""The insured event: an accident in one of the circumstances of cl. 15."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_iin_bin

from ._base import Audited, tracked
from .contracts import VoluntaryContract


class Circumstance(models.TextChoices):
    PREPARING = "15.1", _("15.1 preparing the workplace before or after working time")
    AT_WORK = "15.2", _("15.2 at work, between sites or on a business trip")
    EMPLOYER_TRANSPORT = "15.3", _("15.3 in the employer's transport to or from work")
    OWN_TRANSPORT = "15.4", _("15.4 in own transport used for work with written consent")
    OWN_INITIATIVE = "15.5", _("15.5 acting on own initiative in the employer's interest")
    ROTATION_TRANSPORT = "15.6", _("15.6 in the employer's transport on rotation")


@tracked()
class InsuredEvent(Audited):
    contract = models.ForeignKey(
        VoluntaryContract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="insured_events",
    )
    insured_iin = models.CharField(_("insured IIN"), max_length=12, validators=[validate_iin_bin])
    insured_name = models.CharField(_("insured name"), max_length=300, blank=True)
    occurred_on = models.DateField(_("occurred on"))
    learned_on = models.DateField(_("policyholder learned on"))
    circumstance = models.CharField(_("circumstance"), max_length=4, choices=Circumstance.choices)
    description = models.TextField(_("description"), blank=True)
    notified_on = models.DateField(_("insurer notified on"))
    # Cl. 25.4: computed with the working-day calendar when recorded.
    notice_due_on = models.DateField(_("notice due on"))
    notice_late = models.BooleanField(_("notice late"))
    # Cl. 16, 57.
    accident_act_number = models.CharField(_("accident act no."), max_length=60, blank=True)
    accident_act_on = models.DateField(_("accident act date"), null=True, blank=True)
    special_investigation_required = models.BooleanField(
        _("special investigation required by law"), default=False
    )
    special_investigation_act_number = models.CharField(
        _("special investigation act no."), max_length=60, blank=True
    )
    special_investigation_act_on = models.DateField(
        _("special investigation act date"), null=True, blank=True
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("insured event")
        verbose_name_plural = _("insured events")
        constraints = [
            models.CheckConstraint(
                condition=Q(circumstance__in=Circumstance.values), name="event_circumstance_valid"
            ),
            models.CheckConstraint(
                condition=Q(learned_on__gte=F("occurred_on")), name="event_learned_after_occurred"
            ),
            models.CheckConstraint(
                condition=Q(notified_on__gte=F("occurred_on")),
                name="event_notified_after_occurred",
            ),
            models.CheckConstraint(
                condition=Q(notice_late=Q(notified_on__gt=F("notice_due_on"))),
                name="event_notice_late_matches_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.occurred_on}"
