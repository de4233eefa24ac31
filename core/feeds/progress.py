"""Progress of a running load: the step and rows done, on its ``FeedFile`` and to a callback.

The load's own transaction is not visible until it commits, so the progress is
written through a second database connection, in autocommit, at most once per
``settings.FEED_PROGRESS_INTERVAL`` seconds (default 1; and at each new step): operations see a long load moving
in the admin. It updates only the progress columns of the file's row, which the
load's transaction does not lock until its very end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import psycopg2
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from core.models import FeedFile

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, float], None]

# The steps of a load, as shown to operations.
STEPS = {
    "copy": _("reading the file"),
    "check": _("checking rows"),
    "rejections": _("recording rejected rows"),
    "versions": _("comparing with stored versions"),
    "insert": _("writing new versions"),
    "post_load": _("updating what depends on them"),
    "finish": _("finishing"),
}


class Progress:
    def __init__(self, attempt: FeedFile, *, callback: ProgressCallback | None = None) -> None:
        self.attempt = attempt
        self.callback = callback
        self.current = ""
        self.done = 0
        self.started = time.monotonic()
        self.step_started = self.started
        self.last_write = 0.0
        self.interval = float(getattr(settings, "FEED_PROGRESS_INTERVAL", 1.0))
        self.conn = None

    def __enter__(self) -> Progress:
        try:
            self.conn = psycopg2.connect(**connection.get_connection_params())
            self.conn.autocommit = True
        except psycopg2.Error:
            logger.warning("feed file %s: progress will not be shown", self.attempt.pk)
            self.conn = None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def step(self, name: str, rows: int = 0) -> None:
        self.current = name
        self.step_started = time.monotonic()
        self.done = rows
        self._report(force=True)

    def rows(self, done: int) -> None:
        self.done = done
        self._report(force=False)

    @property
    def rate(self) -> float:
        """Rows per second of the current step."""
        elapsed = time.monotonic() - self.step_started
        return self.done / elapsed if elapsed > 0 else 0.0

    def _report(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < self.interval:
            return
        self.last_write = now
        if self.callback is not None:
            self.callback(self.current, self.done, now - self.started)
        if self.conn is None:
            return
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {FeedFile._meta.db_table} SET step = %s, rows_done = %s, "
                    "progress_at = now() WHERE id = %s",
                    [self.current, self.done, self.attempt.pk],
                )
        except psycopg2.Error:
            logger.warning("feed file %s: could not record progress", self.attempt.pk)
