"""The MHI registry's daily jobs, added to the beat schedule by config/celery.py.

Feeds are picked up daily (security-forces lists too: their cover runs from
arrival, seed 004 cl. 64); the status store is rebuilt nightly after them; on the first of each month the
closed payment partitions are first rewritten in IIN order.
"""

from celery.schedules import crontab

DAY = 24 * 60 * 60

BEAT_SCHEDULE = {
    "feed-mhi-categories": {
        "task": "core.tasks.import_feed_inbox",
        "schedule": crontab(hour=2, minute=10),
        "args": ["mhi_categories"],
        "options": {"expires": DAY - 60},
    },
    "feed-mhi-payments": {
        "task": "core.tasks.import_feed_inbox",
        "schedule": crontab(hour=2, minute=20),
        "args": ["mhi_payments"],
        "options": {"expires": DAY - 60},
    },
    "feed-mhi-security-forces": {
        "task": "mhi_registry.tasks.import_security_forces_inbox",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": DAY - 60},
    },
    "mhi-cluster-payments": {
        "task": "mhi_registry.tasks.cluster_payment_partitions",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
        "options": {"expires": DAY - 60},
    },
    "mhi-status-rebuild": {
        "task": "mhi_registry.tasks.rebuild_status_store",
        "schedule": crontab(hour=4, minute=0),
        "options": {"expires": DAY - 60},
    },
}
