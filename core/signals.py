from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def sync_roles_after_migrate(sender, **kwargs) -> None:
    # Runs after each app migrates; the last call sees every permission.
    from core.roles import sync_role_groups

    sync_role_groups()
