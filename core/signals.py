from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver


def _last_migrated_app_label() -> str:
    # post_migrate is sent once per app with models, in INSTALLED_APPS order.
    return [config for config in apps.get_app_configs() if config.models_module][-1].label


@receiver(post_migrate)
def after_migrate(sender, **kwargs) -> None:
    """Once per migrate (or test flush), after every app's permissions exist:
    role groups get exactly their permissions and emptied reference tables are refilled."""
    if sender.label != _last_migrated_app_label():
        return
    from core.roles import sync_role_groups

    sync_role_groups()
    restore_reference_data_if_empty()


def restore_reference_data_if_empty() -> None:
    """A flush (e.g. after a transactional test) empties the reference tables; refill them."""
    from core.models import Region
    from core.reference_data import load_reference_data

    if not Region.objects.exists():
        load_reference_data(apps)


@receiver(post_save, sender="core.DayOffTransfer")
@receiver(post_delete, sender="core.DayOffTransfer")
def forget_cached_day_off_transfers(sender, **kwargs) -> None:
    from core.calendar import forget_day_off_transfers

    forget_day_off_transfers()
