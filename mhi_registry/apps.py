from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MhiRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mhi_registry"
    verbose_name = _("MHI consumer registry")
    demo_seeder = "mhi_registry.demo.seed"
    demo_order = 50

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from core.models import KnpCode

        from .reference import refill_after_flush
        from .signals import knp_changed

        post_save.connect(knp_changed, sender=KnpCode, dispatch_uid="mhi_knp_changed")
        post_migrate.connect(refill_after_flush, sender=self, dispatch_uid="mhi_refill")
