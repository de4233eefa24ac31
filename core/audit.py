"""Who made a change: one key, ``acting_user``, in the context of every history event.

Services wrap their writes in ``acting(user)``; requests get the same key from
``HistoryMiddleware`` (admin edits, API calls), so a history row always names its
user the same way, whichever path wrote it.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection
from pghistory import config
from pghistory.middleware import HistoryMiddleware as BaseHistoryMiddleware

ACTING_USER = "acting_user"


def user_key(user: Any) -> Any:
    """The value stored for a user: its primary key, or None (a command, a job)."""
    if user is None or not hasattr(user, "_meta") or user.pk is None:
        return None
    return user._meta.pk.get_db_prep_value(user.pk, connection)


def acting(user: Any, **more: Any) -> pghistory.context:
    """The history context of a write made by ``user`` (None: by a command or a job)."""
    return pghistory.context(**{ACTING_USER: user_key(user)}, **more)


class _AuditedRequest(WSGIRequest):
    """Re-annotates the context when the user is set later (DRF authenticates in the view)."""

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "user":
            pghistory.context(**{ACTING_USER: user_key(value)})
        super().__setattr__(attr, value)


class HistoryMiddleware(BaseHistoryMiddleware):
    """pghistory's middleware with the user under ``acting_user``, and the URL."""

    def get_context(self, request) -> dict[str, Any]:
        return {ACTING_USER: user_key(getattr(request, "user", None)), "url": request.path}

    def __call__(self, request):
        if request.method not in config.middleware_methods():
            return self.get_response(request)
        with pghistory.context(**self.get_context(request)):
            if isinstance(request, WSGIRequest):
                request.__class__ = _AuditedRequest
            return self.get_response(request)
