"""What a feed owner declares: columns, identity, row rules, the fact model, hooks.

The pipeline (``core.feeds.pipeline``) turns a declaration into set-based SQL;
a feed owner writes no loading code. Rules are SQL boolean expressions over the
typed columns of one row (names as declared); a rule fails a row only when it
evaluates to false (a NULL result - a missing optional value - passes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from core.models import FeedFile

# Lower-case words joined by single underscores (the pipeline's own names use "__").
NAME_RE = re.compile(r"^[a-z](?:_?[a-z0-9]){0,50}$")
# Names the pipeline uses in its working tables and the fact model's bookkeeping.
RESERVED_NAMES = frozenset(
    {
        "id",
        "row_no",
        "problem",
        "field_count",
        "type_ok",
        "version",
        "is_current",
        "becomes_current",
        "delivered_on",
        "loaded_at",
        "feed_file",
        "in_force",
        "max_version",
        "max_delivered",
        "flags",
        "problems",
        "rejected_by_rule",
        "source_row",
    }
)

TEXT = "text"
DATE = "date"
MONTH = "month"
DECIMAL = "decimal"
INT = "int"
IIN_BIN = "iin_bin"
KATO = "kato"
OKED = "oked"
CHOICE = "choice"
COLUMN_TYPES = (TEXT, DATE, MONTH, DECIMAL, INT, IIN_BIN, KATO, OKED, CHOICE)
# Types stored as text: an empty cell is stored as "" (never NULL).
TEXT_LIKE_TYPES = (TEXT, IIN_BIN, KATO, OKED, CHOICE)
# The PostgreSQL type a checked cell of each column type is read as.
SQL_TYPES = {
    **dict.fromkeys(TEXT_LIKE_TYPES, "text"),
    DATE: "date",
    MONTH: "date",
    DECIMAL: "numeric",
    INT: "integer",
}

# What a failing rule does with its row (FEEDS.md: "reject only what cannot be read;
# flag what looks wrong").
REJECT = "reject"
FLAG = "flag"
RULE_KINDS = (REJECT, FLAG)

# How a partitioned fact table is cut along its partition key (a DATE or MONTH column).
PARTITION_INTERVALS = ("month", "year")


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ImproperlyConfigured(f"{kind} name {name!r} must match {NAME_RE.pattern}")


@dataclass(frozen=True)
class Column:
    """A column of the file, loaded into the fact model's field of the same name.

    ``required``: the header must have the column. ``blank``: a cell may be
    empty (default: only in optional columns). ``text`` cells longer than
    ``max_length`` are rejected; ``choice`` cells must be one of ``choices``.
    """

    name: str
    type: str = TEXT
    required: bool = True
    blank: bool | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 255

    def __post_init__(self) -> None:
        _check_name("Column", self.name)
        if self.name in RESERVED_NAMES:
            raise ImproperlyConfigured(f"Column name {self.name} is reserved")
        if self.type not in COLUMN_TYPES:
            raise ImproperlyConfigured(f"Column {self.name}: unknown type {self.type!r}")
        object.__setattr__(self, "choices", tuple(self.choices))
        if self.type == CHOICE and not self.choices:
            raise ImproperlyConfigured(f"Column {self.name}: a choice column needs choices")
        if self.blank is None:
            object.__setattr__(self, "blank", not self.required)
        if not 0 < self.max_length < 65_536:
            raise ImproperlyConfigured(f"Column {self.name}: max_length must be 1..65535")

    @property
    def text_like(self) -> bool:
        return self.type in TEXT_LIKE_TYPES


@dataclass(frozen=True)
class Rule:
    """A row check: ``check`` is a SQL boolean over the row's typed columns.

    When ``check`` is false, a ``kind=REJECT`` rule (the default) rejects the row
    with ``reason`` and the raw value of ``column``; a ``kind=FLAG`` rule loads
    the row and records the same (file, row, column, value, reason) as a flag,
    also kept on the fact version (``FeedFact.flags``). Rules run only on rows
    whose every cell has the right type; flags are recorded only for rows that
    load (or are unchanged).
    """

    check: str
    column: str
    reason: str | Promise
    kind: str = REJECT

    def __post_init__(self) -> None:
        if len(str(self.reason)) > 255:
            raise ImproperlyConfigured("A rule's reason must fit in 255 characters")
        if self.kind not in RULE_KINDS:
            raise ImproperlyConfigured(f"A rule's kind must be one of {RULE_KINDS}")

    @property
    def flags(self) -> bool:
        return self.kind == FLAG


def Flag(check: str, column: str, reason: str | Promise) -> Rule:  # noqa: N802 (reads as a class)
    """A rule that loads the row and flags it when ``check`` is false."""
    return Rule(check, column=column, reason=reason, kind=FLAG)


@dataclass(frozen=True)
class Derived:
    """A fact field computed from the row: ``expression`` is SQL over the typed columns.

    Stored in the model field ``name``; not compared to tell versions apart (it
    follows from the columns that are).
    """

    name: str
    expression: str

    def __post_init__(self) -> None:
        _check_name("Derived column", self.name)
        if self.name in RESERVED_NAMES:
            raise ImproperlyConfigured(f"Derived column name {self.name} is reserved")


@dataclass(frozen=True)
class FileRule:
    """A whole-file check: ``check`` is a SQL boolean aggregate over the well-typed rows
    (e.g. ``count(DISTINCT authority) <= 1``). When false the file is refused."""

    check: str
    reason: str | Promise


@dataclass(frozen=True, eq=False)
class Feed:
    """A feed: file columns, identity, rules, the fact model and post-load hooks.

    ``model`` is "app_label.ModelName" of a ``core.models.FeedFact`` subclass
    with a field per column (and per ``derived`` value). ``post_load`` hooks run
    inside the load's transaction with a ``LoadContext`` (e.g. to register
    organisations or recompute what depends on the changed identities).

    ``partition_by`` declares an append-mostly feed (payments by ``period``):
    its fact table is a PostgreSQL table partitioned by range of that identity
    column (made so in the app's migration with
    ``core.feeds.partitions.PartitionFactTable``), cut every
    ``partition_interval`` ("month" or "year"); the pipeline creates the
    partitions a file needs and reads only the partitions the file touches. A
    correction still makes a new version.

    ``owner`` names the column holding the BIN of the organisation a row belongs to
    (the insurer of a contract): its rejections and flags carry that BIN, so the
    organisation can be shown the rows of its own that the feed refused.

    ``importer`` replaces ``import_feed_file`` for a file of the feed when its name
    carries more than the delivery date (a security-forces list's authority):
    ``importer(path, delivered_on=None) -> FeedSummary``, used by ``import_feed``
    and the feed's inbox task alike.
    """

    name: str
    model: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    file_rules: tuple[FileRule, ...] = ()
    post_load: tuple[Callable[[LoadContext], Any], ...] = ()
    description: str | Promise = ""
    derived: tuple[Derived, ...] = ()
    partition_by: str | None = None
    partition_interval: str = "month"
    owner: str | None = None
    importer: Callable[..., Any] | None = None
    _by_name: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name("Feed", self.name)
        for attr in ("columns", "identity", "rules", "file_rules", "post_load", "derived"):
            value = getattr(self, attr)
            if callable(value) and attr == "post_load":
                value = (value,)
            object.__setattr__(self, attr, tuple(value))
        by_name: dict[str, Column] = {}
        for column in self.columns:
            if column.name in by_name:
                raise ImproperlyConfigured(f"Feed {self.name}: column {column.name} twice")
            by_name[column.name] = column
        object.__setattr__(self, "_by_name", by_name)
        if not self.identity:
            raise ImproperlyConfigured(f"Feed {self.name}: identity is empty")
        for name in self.identity:
            column = by_name.get(name)
            if column is None:
                raise ImproperlyConfigured(f"Feed {self.name}: identity column {name} undeclared")
            # Identity values are compared with "=", so they may never be NULL.
            if column.blank and not column.text_like:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: identity column {name} may be empty but is not text"
                )
        for rule in self.rules:
            if rule.column not in by_name:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: rule names unknown column {rule.column}"
                )
        for derived in self.derived:
            if derived.name in by_name:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: derived {derived.name} is also a column"
                )
        if self.owner is not None and (
            self.owner not in by_name or by_name[self.owner].type != IIN_BIN
        ):
            raise ImproperlyConfigured(
                f"Feed {self.name}: owner {self.owner} is not an IIN/BIN column"
            )
        if self.partition_by is not None:
            key = by_name.get(self.partition_by)
            if key is None or self.partition_by not in self.identity:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: partition key {self.partition_by} must be an identity column"
                )
            if key.type not in (DATE, MONTH) or key.blank:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: partition key {self.partition_by} must be a required "
                    "date or month"
                )
            if self.partition_interval not in PARTITION_INTERVALS:
                raise ImproperlyConfigured(
                    f"Feed {self.name}: partition_interval must be one of {PARTITION_INTERVALS}"
                )

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def reject_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if not r.flags)

    @property
    def flag_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.flags)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns compared to tell a new version from an unchanged one."""
        return tuple(c.name for c in self.columns if c.name not in self.identity)

    def fact_model(self):
        from django.apps import apps

        return apps.get_model(self.model)


@dataclass
class LoadContext:
    """What a post-load hook gets, inside the load's transaction.

    ``valid_table``: every valid row of the file (``row_no`` and the typed
    columns by their declared names), superseded and unchanged ones included.
    ``new_table``: the rows written as new versions (typed columns, ``row_no``,
    ``version``, ``becomes_current``). ``latest_delivery``: no file of the feed
    with a later delivery date has been loaded.
    """

    feed: Feed
    feed_file: FeedFile
    delivered_on: dt.date
    cursor: Any
    latest_delivery: bool
    valid_table: str = "feed_valid"
    new_table: str = "feed_new"
