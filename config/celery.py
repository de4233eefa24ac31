"""The Celery application and the project's one beat schedule.

Beat runs the schedule through django-celery-beat's database scheduler, so
operations can see, pause or re-time each entry in the admin; the entries
below are installed into it at start.
"""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("regulator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DAY = 24 * 60 * 60

app.conf.beat_schedule = {
    "health-check": {
        "task": "core.tasks.health_check",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    # Daily feeds: each picks up the new files of its inbox folder.
    "feed-esbd-contracts": {
        "task": "core.tasks.import_feed_inbox",
        "schedule": crontab(hour=2, minute=0),
        "args": ["esbd_contracts"],
        "options": {"expires": DAY - 60},
    },
    # Annuity schedules: payments due, missed ones flagged, ended terms closed (daily, idempotent).
    "annuity-monthly-run": {
        "task": "annuity.tasks.annuity_monthly_run",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": DAY - 60},
    },
    "feed-esutd-contracts": {
        "task": "core.tasks.import_feed_inbox",
        "schedule": crontab(hour=2, minute=30),
        "args": ["esutd_contracts"],
        "options": {"expires": DAY - 60},
    },  # fmt: skip
    "osns-violators-scan": {
        "task": "contracts.tasks.scan_violators",
        "schedule": crontab(hour=4, minute=0),
        "options": {"expires": DAY - 60},
    },  # fmt: skip
    # The monthly forms of the previous month, on the 1st (due by the 3rd).
    "monthly-forms": {
        "task": "reports.tasks.generate_monthly_forms",
        "schedule": crontab(day_of_month=1, hour=1, minute=0),
        "options": {"expires": DAY - 60},
    },
}
app.conf.beat_schedule.update(__import__("mhi_registry.schedule").schedule.BEAT_SCHEDULE)
