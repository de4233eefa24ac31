"""Reading and typing the cells of a feed file, column by column (vectorised, polars).

Every cell is trimmed (an all-blank cell is empty), checked against its
column's type and normalised to the text PostgreSQL's COPY reads as the typed
value. Per declared column the checked rows carry:

- ``<name>``: the normalised value, NULL when the cell is empty or bad;
- ``e__<name>``: NULL for a good cell, else the reason (English source text,
  translated on display);
- ``r__<name>``: the trimmed cell as read, only where the cell is bad (it is
  the rejection's value).

plus ``row_no`` (as in a spreadsheet: the header is row 1), ``problem`` (a
whole record's problem: too few or many fields, a NUL) and ``type_ok``. The
checks run on whole columns in polars' native engine; no Python loop over
rows. The row rules (SQL over typed values) run afterwards in PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.utils.translation import gettext_noop

from .declarations import (
    CHOICE,
    DATE,
    DECIMAL,
    IIN_BIN,
    INT,
    KATO,
    MONTH,
    OKED,
    TEXT,
    Column,
    Feed,
)
from .files import PROBLEM_FIELD_COUNT, PROBLEM_NUL
from .sql import source_text

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

# Cells are trimmed of these (an all-blank cell is empty).
TRIMMED = " \t\r\n\f\v\u00a0\ufeff"

DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
DECIMAL_RE = r"^[+-]?[0-9]{1,13}([.][0-9]{1,2})?$"
INT_RE = r"^[+-]?[0-9]{1,9}$"
OKED_RE = r"^([0-9]{5}|[0-9]{2}\.[0-9]{2}\.[0-9])$"

# Bytes of the file per batch: memory stays bounded whatever the size of the file (larger
# blocks are somewhat faster but hold more memory).
BLOCK_BYTES = 2 << 20


def _digits(expr: pl.Expr, n: int) -> pl.Expr:
    return expr.str.contains(f"^[0-9]{{{n}}}$")


def iin_bin_check_digit_ok(number: pl.Expr) -> pl.Expr:
    """Kazakhstan IIN/BIN check digit of ``number`` (the 12 digits as an integer): the sum
    of the first 11 digits times weights 1..11 mod 11; when it is 10, again with weights
    3..11, 1, 2; when 10 again, the number is invalid."""
    digits = [(number // 10 ** (11 - i)) % 10 for i in range(12)]
    first = sum(d * (i + 1) for i, d in enumerate(digits[:11])) % 11
    second = sum(d * ((i + 2) % 11 + 1) for i, d in enumerate(digits[:11])) % 11
    expected = pl.when(first != 10).then(first).when(second != 10).then(second).otherwise(-1)
    return expected == digits[11]


def _type_checks(column: Column, cell: pl.Expr) -> list[tuple[pl.Expr, str]]:
    """(condition that makes a non-empty cell invalid, reason), tried in order."""
    kind = column.type
    if kind == TEXT:
        return [(cell.str.len_chars() > column.max_length, TOO_LONG)]
    if kind == DATE:
        parsed = cell.str.to_date("%Y-%m-%d", strict=False)
        bad = ~cell.str.contains(DATE_RE) | parsed.is_null() | cell.str.starts_with("0000")
        return [(bad, NOT_DATE)]
    if kind == MONTH:
        return [(~cell.str.contains(MONTH_RE) | cell.str.starts_with("0000"), NOT_MONTH)]
    if kind == DECIMAL:
        return [(~cell.str.contains(DECIMAL_RE), NOT_AMOUNT)]
    if kind == INT:
        return [(~cell.str.contains(INT_RE), NOT_INT)]
    if kind == IIN_BIN:
        return [
            (~_digits(cell, 12), IIN_BIN_DIGITS),
            (~iin_bin_check_digit_ok(cell.cast(pl.Int64, strict=False)), IIN_BIN_CHECK_DIGIT),
        ]
    if kind == KATO:
        return [(~_digits(cell, 9), NOT_KATO)]
    if kind == OKED:
        return [(~cell.str.contains(OKED_RE), NOT_OKED)]
    if kind == CHOICE:
        return [(~cell.is_in(list(column.choices)), NOT_CHOICE)]
    raise ValueError(kind)


def _normalised(column: Column, cell: pl.Expr) -> pl.Expr:
    """The text COPY reads as the typed value of a good cell."""
    if column.type == MONTH:
        return cell + "-01"
    if column.type == OKED:
        return cell.str.replace_all(".", "", literal=True)
    return cell


def error_expr(column: Column, cell: pl.Expr) -> pl.Expr:
    """NULL for an acceptable trimmed cell (empty = NULL), else the reason."""
    expr = pl.when(cell.is_null()).then(
        pl.lit(None if column.blank else source_text(MISSING), dtype=pl.String)
    )
    for condition, reason in _type_checks(column, cell):
        expr = expr.when(condition).then(pl.lit(source_text(reason)))
    return expr.otherwise(pl.lit(None, dtype=pl.String))


def trimmed(name: str) -> pl.Expr:
    cell = pl.col(name).str.strip_chars(TRIMMED)
    return pl.when(cell == "").then(None).otherwise(cell)


class CheckedRows:
    """The checking of one feed's cells, its polars expressions built once per load and
    applied to every batch (building them costs as much as running them on a small batch)."""

    def __init__(self, feed: Feed, present: tuple[str, ...]) -> None:
        problem = pl.col("problem")
        self.cells = [
            (trimmed(c.name) if c.name in present else pl.lit(None, dtype=pl.String)).alias(
                "r__" + c.name
            )
            for c in feed.columns
        ]
        self.errors = [
            pl.when(problem.is_null())
            .then(error_expr(c, pl.col("r__" + c.name)))
            .otherwise(None)
            .alias("e__" + c.name)
            for c in feed.columns
        ]
        type_ok = problem.is_null()
        for c in feed.columns:
            type_ok = type_ok & pl.col("e__" + c.name).is_null()
        values = [
            pl.when(pl.col("e__" + c.name).is_null())
            .then(_normalised(c, pl.col("r__" + c.name)))
            .otherwise(None)
            .alias(c.name)
            for c in feed.columns
        ]
        raws = [
            pl.when(pl.col("e__" + c.name).is_not_null())
            .then(pl.col("r__" + c.name).str.slice(0, 1000))
            .otherwise(None)
            .alias("r__" + c.name)
            for c in feed.columns
        ]
        problem_reason = (
            pl.when(problem == PROBLEM_FIELD_COUNT)
            .then(pl.lit(source_text(FIELD_COUNT)))
            .when(problem == PROBLEM_NUL)
            .then(pl.lit(source_text(NUL_CHARACTER)))
            .otherwise(None)
        )
        problem_value = (
            pl.when(problem == PROBLEM_FIELD_COUNT)
            .then(pl.col("field_count").cast(pl.String))
            .otherwise(None)
        )
        self.selected = [
            pl.col("row_no"),
            problem_reason.alias("problem"),
            problem_value.alias("problem_value"),
            type_ok.alias("type_ok"),
            type_ok.alias("ok"),
            *values,
            *(pl.col("e__" + c.name) for c in feed.columns),
            *raws,
        ]

    def frame(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """``frame`` (``row_no``, ``problem``, ``field_count`` and the present columns as
        text) -> the checked rows (see the module docstring), in ``checked_columns`` order."""
        return frame.with_columns(self.cells).with_columns(self.errors).select(self.selected)


def checked_columns(feed: Feed) -> list[str]:
    names = [c.name for c in feed.columns]
    return [
        "row_no",
        "problem",
        "problem_value",
        "type_ok",
        "ok",
        *names,
        *("e__" + n for n in names),
        *("r__" + n for n in names),
    ]


def _arrow_batches(
    path: Path, names: list[str], skip: int = 0, line_breaks: bool = False
) -> Iterator[pl.DataFrame]:
    """Record batches of a CSV file, every field as text; a record wider or narrower
    than ``names`` (or a blank line, or a quoted line break) raises ``FileShapeError``."""
    options = pa_csv.ReadOptions(
        skip_rows=skip, column_names=names, block_size=BLOCK_BYTES, use_threads=False
    )
    parse = pa_csv.ParseOptions(newlines_in_values=line_breaks, ignore_empty_lines=False)
    convert = pa_csv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        with pa_csv.open_csv(
            path, read_options=options, parse_options=parse, convert_options=convert
        ) as reader:
            for batch in reader:
                yield pl.from_arrow(batch)
    except pa.ArrowInvalid as exc:
        raise FileShapeError(str(exc)) from exc


class FileShapeError(Exception):
    """The file is not one record per line as wide as its header: read it record by record."""


def direct_batches(
    feed: Feed, path: Path, present: tuple[str, ...], positions: dict[str, int], width: int
) -> Iterator[tuple[int, bytes]]:
    """(rows, CSV for COPY) per batch of a file of one record per line (rows from 2)."""
    names = [f"h{i}" for i in range(width)]
    checked = CheckedRows(feed, present)
    row_no = 2
    for frame in _arrow_batches(path, names, skip=1):
        rows = frame.height
        if not rows:
            continue
        if frame.select(pl.all_horizontal(pl.col(n) == "" for n in names).any()).item():
            # A blank record is skipped and not counted: only the record reader knows where.
            raise FileShapeError("a blank record")
        frame = frame.select(
            pl.int_range(row_no, row_no + rows, dtype=pl.Int64).alias("row_no"),
            pl.lit(None, dtype=pl.String).alias("problem"),
            pl.lit(width, dtype=pl.Int64).alias("field_count"),
            *(pl.col(f"h{positions[name]}").alias(name) for name in present),
        )
        row_no += rows
        yield rows, _csv(checked.frame(frame.lazy()))


def spool_batches(feed: Feed, path: Path, present: tuple[str, ...]) -> Iterator[tuple[int, bytes]]:
    """(rows, CSV for COPY) per batch of the spool ``files.write_spool`` writes."""
    names = ["row_no", "problem", "field_count", *present]
    checked = CheckedRows(feed, present)
    for frame in _arrow_batches(path, names, line_breaks=True):
        frame = frame.with_columns(
            pl.col("row_no").cast(pl.Int64),
            pl.col("field_count").cast(pl.Int64),
            pl.when(pl.col("problem") == "")
            .then(None)
            .otherwise(pl.col("problem"))
            .alias("problem"),
        )
        yield frame.height, _csv(checked.frame(frame.lazy()))


def _csv(frame: pl.LazyFrame) -> bytes:
    buffer = io.BytesIO()
    frame.collect().write_csv(buffer, include_header=False, null_value="")
    return buffer.getvalue()
