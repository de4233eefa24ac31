from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnuityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annuity"
    verbose_name = _("Annuities")
    demo_seeder = "annuity.demo.seed_annuity_demo"
    demo_order = 45

    def ready(self) -> None:
        from insurance.timeline import register as register_timeline

        from .breaches import register_all
        from .timeline import timeline_entries

        register_all()
        register_timeline(timeline_entries)
