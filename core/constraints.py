"""A model's check constraints evaluated in Python, as the database would.

``Model.validate_constraints`` asks the database once per check constraint and
record (three statements with its savepoint): a page that saves a thousand child
rows spends most of its time there. Conditions built from field comparisons
(``exact``, ``gt``, ``gte``, ``lt``, ``lte``, ``in``, ``isnull``, ``startswith``,
``regex``, values or ``F()`` of the same row, combined with ``&``, ``|``, ``~``)
are evaluated here with SQL's three-valued logic: a condition that is unknown
(NULL) passes, as in PostgreSQL. Anything else goes to the database as before.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q

UNKNOWN = None  # SQL NULL
COMPARE = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class NotEvaluable(Exception):
    """The condition needs the database."""


def _value(obj: models.Model, name: str, exclude: set[str]):
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        field = next((f for f in obj._meta.concrete_fields if f.attname == name), None)
        if field is None:
            raise NotEvaluable(name) from None
    if field.name in exclude or getattr(field, "attname", name) in exclude:
        raise _Excluded
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise NotEvaluable(name)
    return getattr(obj, field.attname)


class _Excluded(Exception):
    """The condition names an excluded field: Django skips the constraint."""


def _lookup(obj, key: str, target, exclude: set[str]):
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup:
        raise NotEvaluable(key)
    value = _value(obj, name, exclude)
    if isinstance(target, F):
        target = _value(obj, target.name, exclude)
    elif hasattr(target, "resolve_expression"):
        raise NotEvaluable(key)
    if lookup == "isnull":
        return (value is None) == bool(target)
    if value is None or (lookup != "in" and target is None):
        return UNKNOWN
    if lookup in COMPARE:
        return COMPARE[lookup](value, target)
    if lookup == "in":
        return value in target
    if lookup == "startswith":
        return str(value).startswith(str(target))
    if lookup == "regex":
        return re.search(target, str(value), flags=re.ASCII) is not None
    raise NotEvaluable(key)


def _evaluate(condition, obj, exclude: set[str]):
    if not isinstance(condition, Q):
        raise NotEvaluable(repr(condition))
    results = [
        _lookup(obj, child[0], child[1], exclude)
        if isinstance(child, tuple)
        else _evaluate(child, obj, exclude)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else (UNKNOWN if UNKNOWN in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (UNKNOWN if UNKNOWN in results else False)
    else:
        raise NotEvaluable(condition.connector)
    if condition.negated:
        result = UNKNOWN if result is UNKNOWN else not result
    return result


def violates(constraint: models.CheckConstraint, obj: models.Model, exclude: set[str]) -> bool:
    """Whether ``obj`` breaks ``constraint``; raises NotEvaluable for the database's work."""
    try:
        return _evaluate(constraint.condition, obj, exclude) is False
    except _Excluded:
        return False


def validate_constraints(obj: models.Model, exclude: Iterable[str] = ()) -> None:
    """``obj.validate_constraints(exclude)``, with check constraints evaluated here."""
    exclude = set(exclude)
    errors: dict = {}
    for model, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, models.CheckConstraint):
                    try:
                        broken = violates(constraint, obj, exclude)
                    except NotEvaluable:
                        constraint.validate(model, obj, exclude=exclude)
                    else:
                        if broken:
                            raise ValidationError(
                                constraint.get_violation_error_message(),
                                code=constraint.violation_error_code,
                            )
                else:
                    constraint.validate(model, obj, exclude=exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
