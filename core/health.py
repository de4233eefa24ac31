"""Whether the parts the product needs answer: shared by ``/healthz`` and the worker's check."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def health_checks() -> dict[str, str]:
    """Whether the database and the broker answer: ``{"database": "ok"|"error", "broker": ...}``.

    The broker URL is read from the settings at each call, so a check can be
    pointed elsewhere without touching the Celery app.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = "error"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.2, timeout=2)
        checks["broker"] = "ok"
    except Exception:  # noqa: BLE001
        checks["broker"] = "error"
    return checks


def health_report() -> dict[str, str]:
    """``{"status": "ok"|"error", "database": …, "broker": …}``: ok only when every part is."""
    checks = health_checks()
    return {"status": "ok" if all(v == "ok" for v in checks.values()) else "error", **checks}
