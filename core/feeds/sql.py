"""SQL for column types: the error a raw cell has (if any) and its typed value.

Raw cells arrive trimmed, with an empty cell as NULL. ``error_sql`` gives a
SQL expression that is NULL for a good cell and the (English, translatable)
reason otherwise; ``value_sql`` the typed value, valid only where the error is
NULL. The helper functions ``feed_is_digits``, ``feed_is_date``, ``feed_is_month``
and ``feed_iin_bin_valid`` (the IIN/BIN check digit in SQL) come from
migration core 0004.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_noop, override

from .declarations import (
    CHOICE,
    DATE,
    DECIMAL,
    IIN_BIN,
    INT,
    KATO,
    MONTH,
    NAME_RE,
    OKED,
    TEXT,
    Column,
)

MISSING = gettext_noop("A value is required.")
TOO_LONG = gettext_noop("The text is too long.")
NOT_DATE = gettext_noop("Not a date (YYYY-MM-DD).")
NOT_MONTH = gettext_noop("Not a month (YYYY-MM).")
NOT_AMOUNT = gettext_noop("Not an amount (digits, a dot and up to two decimals).")
NOT_INT = gettext_noop("Not a whole number.")
IIN_BIN_DIGITS = gettext_noop("An IIN/BIN must be exactly 12 digits.")
IIN_BIN_CHECK_DIGIT = gettext_noop("The IIN/BIN check digit is wrong.")
NOT_KATO = gettext_noop("A КАТО code must be 9 digits.")
NOT_OKED = gettext_noop("An ОКЭД code must be 5 digits (dotted form 00.00.0 accepted).")
NOT_CHOICE = gettext_noop("Not one of the allowed values.")
FIELD_COUNT = gettext_noop("The row does not have as many fields as the header.")
NUL_CHARACTER = gettext_noop("The row contains a NUL character.")

DECIMAL_RE = r"^[+-]?[0-9]{1,13}([.][0-9]{1,2})?$"
INT_RE = r"^[+-]?[0-9]{1,9}$"


def literal(value: str | Promise) -> str:
    """A SQL string literal. Values come from declarations, never from files."""
    text = source_text(value)
    if "\x00" in text:
        raise ValueError("NUL in a SQL literal")
    return "'" + text.replace("'", "''") + "'"


def source_text(value: str | Promise) -> str:
    """The untranslated (English source) text of a message; stored, translated on display."""
    with override(None):
        return str(value)


def ident(name: str) -> str:
    """A quoted identifier for a declared (already validated) name."""
    if not NAME_RE.match(name.split("__")[-1]):
        raise ValueError(f"bad identifier {name!r}")
    return '"' + name + '"'


def _type_checks(column: Column, r: str) -> list[tuple[str, str]]:
    """(condition that makes the cell invalid, reason), tried in order on a non-empty cell."""
    kind = column.type
    if kind == TEXT:
        return [(f"char_length({r}) > {int(column.max_length)}", TOO_LONG)]
    if kind == DATE:
        return [(f"NOT feed_is_date({r})", NOT_DATE)]
    if kind == MONTH:
        return [(f"NOT feed_is_month({r})", NOT_MONTH)]
    if kind == DECIMAL:
        return [(f"{r} !~ {literal(DECIMAL_RE)}", NOT_AMOUNT)]
    if kind == INT:
        return [(f"{r} !~ {literal(INT_RE)}", NOT_INT)]
    if kind == IIN_BIN:
        return [
            (f"NOT feed_is_digits({r}, 12)", IIN_BIN_DIGITS),
            (f"NOT feed_iin_bin_valid({r})", IIN_BIN_CHECK_DIGIT),
        ]
    if kind == KATO:
        return [(f"NOT feed_is_digits({r}, 9)", NOT_KATO)]
    if kind == OKED:
        # 00000 or the dotted 00.00.0
        dotted = f"(octet_length({r}) = 7 AND substr({r}, 3, 1) = '.' AND substr({r}, 6, 1) = '.')"
        return [
            (
                f"NOT feed_is_digits(replace({r}, '.', ''), 5) OR (octet_length({r}) <> 5 AND NOT {dotted})",
                NOT_OKED,
            )
        ]
    if kind == CHOICE:
        options = ", ".join(literal(c) for c in column.choices)
        return [(f"{r} NOT IN ({options})", NOT_CHOICE)]
    raise ValueError(kind)


def error_sql(column: Column, r: str) -> str:
    """SQL: NULL when the raw cell ``r`` is acceptable, else the reason."""
    branches = [f"WHEN {r} IS NULL THEN {'NULL' if column.blank else literal(MISSING)}"]
    branches += [f"WHEN {cond} THEN {literal(reason)}" for cond, reason in _type_checks(column, r)]
    return "CASE " + " ".join(branches) + " END"


def value_sql(column: Column, r: str) -> str:
    """SQL: the typed value of an acceptable raw cell ``r`` ("" for empty text-like cells)."""
    kind = column.type
    if kind == DATE:
        return f"({r})::date"
    if kind == MONTH:
        return f"(({r}) || '-01')::date"
    if kind == DECIMAL:
        return f"({r})::numeric"
    if kind == INT:
        return f"({r})::integer"
    if kind == OKED:
        return f"COALESCE(replace({r}, '.', ''), '')"
    return f"COALESCE({r}, '')"
