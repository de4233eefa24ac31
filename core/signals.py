from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver


@receiver(post_migrate)
def sync_roles_after_migrate(sender, **kwargs) -> None:
    # Runs after each app migrates; the last call sees every permission.
    from core.roles import sync_role_groups

    sync_role_groups()
    if getattr(sender, "name", None) == "core":
        restore_reference_data_if_empty()


def restore_reference_data_if_empty() -> None:
    """A flush (e.g. after a transactional test) empties the reference tables; refill them."""
    from django.apps import apps

    from core.models import Region
    from core.reference_data import load_reference_data

    if not Region.objects.exists():
        load_reference_data(apps)


@receiver(post_save, sender="core.DayOffTransfer")
@receiver(post_delete, sender="core.DayOffTransfer")
def forget_cached_day_off_transfers(sender, **kwargs) -> None:
    from core.calendar import forget_day_off_transfers

    forget_day_off_transfers()
