from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MhiRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mhi_registry"
    verbose_name = _("MHI consumer registry")
