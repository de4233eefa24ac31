"""System check: every declared feed fits its fact model (``manage.py check``).

Each column needs a writable field of the same name whose type holds the column's
typed values (a text of up to ``max_length`` characters, a 12-digit IIN/BIN, a
date, an amount of up to 13 digits and 2 decimals, a whole number of up to 9
digits), nullable exactly when an empty cell has no text value; each derived
value and the bookkeeping fields need a writable field too.
"""

from __future__ import annotations

from django.core import checks
from django.db import models

from core.models import FeedFact

from .declarations import CHOICE, DATE, DECIMAL, IIN_BIN, INT, KATO, MONTH, OKED, TEXT, Column
from .registry import registered_feeds

BOOKKEEPING = ("version", "is_current", "delivered_on", "loaded_at", "feed_file", "flags")
# Characters a text-like column's value may have, by type (OKED is stored without dots).
TEXT_WIDTH = {IIN_BIN: 12, KATO: 9, OKED: 5}
INTEGER_FIELDS = (models.IntegerField, models.BigIntegerField)


def _type_problem(column: Column, field: models.Field) -> str | None:
    """Why ``field`` cannot hold the column's typed values, or None."""
    kind = column.type
    if kind in (DATE, MONTH):
        if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
            return "needs a DateField"
        return None
    if kind == DECIMAL:
        if not isinstance(field, models.DecimalField):
            return "needs a DecimalField"
        if field.decimal_places < 2 or field.max_digits - field.decimal_places < 13:
            return "needs 13 digits before the point and 2 after (max_digits=15, decimal_places=2)"
        return None
    if kind == INT:
        if not isinstance(field, INTEGER_FIELDS) or isinstance(field, models.SmallIntegerField):
            return "needs an IntegerField (a whole number of up to 9 digits)"
        return None
    if not isinstance(field, models.CharField | models.TextField):
        return "needs a CharField or TextField"
    if kind == TEXT:
        width = column.max_length
    elif kind == CHOICE:
        width = max(len(c) for c in column.choices)
    else:
        width = TEXT_WIDTH[kind]
    if isinstance(field, models.CharField) and field.max_length < width:
        return f"max_length {field.max_length} is shorter than the column's {width}"
    return None


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
        derived = tuple(d.name for d in feed.derived)
        for name in (*feed.column_names, *derived, *BOOKKEEPING):
            field = fields.get(name)
            if field is None or getattr(field, "generated", False):
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: {feed.model} has no writable field {name}",
                        id="feeds.E003",
                    )
                )
        written = {*feed.column_names, *derived, *BOOKKEEPING}
        for name, field in fields.items():
            if (
                name not in written
                and not field.primary_key
                and not field.null
                and not getattr(field, "generated", False)
                and field.db_default is models.NOT_PROVIDED
            ):
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: {feed.model}.{name} is not written by the feed, "
                        "so it needs null=True or a db_default",
                        id="feeds.E006",
                    )
                )
        for column in feed.columns:
            field = fields.get(column.name)
            if field is None:
                continue
            if column.blank and column.text_like and field.null:
                errors.append(
                    checks.Warning(
                        f"Feed {feed.name}: empty {column.name} is stored as '', "
                        "so its field need not be nullable",
                        id="feeds.W001",
                    )
                )
            if column.blank and not column.text_like and not field.null:
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: optional {column.name} needs a nullable field",
                        id="feeds.E004",
                    )
                )
            problem = _type_problem(column, field)
            if problem:
                errors.append(
                    checks.Error(
                        f"Feed {feed.name}: column {column.name} ({column.type}): field "
                        f"{model.__name__}.{column.name} {problem}",
                        id="feeds.E005",
                    )
                )
    return errors
