"""System check: every declared feed fits its fact model (``manage.py check``)."""

from __future__ import annotations

from django.core import checks

from core.models import FeedFact

from .registry import registered_feeds

BOOKKEEPING = ("version", "is_current", "delivered_on", "loaded_at", "feed_file")


@checks.register(checks.Tags.models)
def check_feed_declarations(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for feed in registered_feeds().values():
        try:
            model = feed.fact_model()
        except (LookupError, ValueError):
            errors.append(
                checks.Error(f"Feed {feed.name}: unknown model {feed.model}", id="feeds.E001")
            )
            continue
        if not issubclass(model, FeedFact):
            errors.append(
                checks.Error(
                    f"Feed {feed.name}: {feed.model} is not a core.models.FeedFact",
                    id="feeds.E002",
                )
            )
        fields = {f.name: f for f in model._meta.concrete_fields}
        for name in (*feed.column_names, *BOOKKEEPING):
            field = fields.get(name)
            if field is None or getattr(field, "generated", False):
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: {feed.model} has no writable field {name}",
                        id="feeds.E003",
                    )
                )
        for column in feed.columns:
            field = fields.get(column.name)
            if field is not None and column.blank and column.text_like and field.null:
                errors.append(
                    checks.Warning(
                        f"Feed {feed.name}: empty {column.name} is stored as '', "
                        "so its field need not be nullable",
                        id="feeds.W001",
                    )
                )
            if field is not None and column.blank and not column.text_like and not field.null:
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: optional {column.name} needs a nullable field",
                        id="feeds.E004",
                    )
                )
    return errors
