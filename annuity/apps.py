from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnuityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annuity"
    verbose_name = _("Annuities")
