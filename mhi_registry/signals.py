"""A КНП added or changed recomputes the people with payments under it (FEEDS.md)."""

from django.db import transaction


def knp_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # fixtures and data migrations: nothing to recompute yet
        return
    from .services import queue_knp_payers
    from .tasks import refresh_statuses

    if queue_knp_payers(instance):
        transaction.on_commit(lambda: refresh_statuses.delay(), robust=True)
