from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Reference data and organisations")
    # Before every app's demo: their records name places.
    demo_seeder = "core.places.seed_places_demo"
    demo_order = 5

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .feeds import autodiscover as autodiscover_feeds
        from .feeds import checks as feed_checks  # noqa: F401

        autodiscover_feeds()
