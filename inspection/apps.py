from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Labour inspection")
    demo_seeder = "inspection.demo.seed_inspection_demo"
    demo_order = 20
