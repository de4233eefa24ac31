from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refill_rules(sender, **kwargs):
    """A flush (e.g. after a transactional test) empties the rules table; refill seed 001."""
    from insurance.models import RulesSet
    from insurance.rules_data import ensure_seed_rules

    ensure_seed_rules(RulesSet)


class InsuranceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insurance"
    verbose_name = _("Voluntary accident insurance")
    demo_seeder = "insurance.demo.seed_voluntary_demo"
    demo_order = 40

    def ready(self) -> None:
        post_migrate.connect(_refill_rules, sender=self, dispatch_uid="insurance-refill-rules")
