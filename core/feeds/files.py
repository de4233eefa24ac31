"""Reading a feed file before anything is written: name, checksum, encoding, header.

``prepare_file`` reads the file once as bytes (SHA-256, UTF-8 check, lines)
and its header as CSV, refusing it (``FeedRefused``) when it is unusable. The
load then COPYs the file itself into its staging table (``copy_direct``): a
file of one record per line, every record as wide as the header, is read by
PostgreSQL alone. When that COPY fails or counts other than the file's lines
(a quoted line break, a blank line, a short or long row, a NUL), the load
falls back to ``write_spool``: Python reads every record as CSV and writes the
declared columns, numbered as in a spreadsheet (header = row 1) and with the
record's problem, to a spool that is COPYed instead. A record whose cells are
all empty is skipped and not counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import operator
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .declarations import Feed

FILE_NAME_RE = re.compile(
    r"^(?P<feed>[a-z][a-z0-9_]*)_(?P<date>[0-9]{8})(?:_(?P<n>[0-9]{1,6}))?\.csv$"
)
CHUNK = 1 << 20
# Characters of a cell kept in the spool: more than any column's max_length, so a longer
# cell is still rejected as too long, and a record always fits in a reading block.
CELL_LIMIT = 65_536

# Problems of a whole record, written to the staging table's "problem" column.
PROBLEM_FIELD_COUNT = "field_count"
PROBLEM_NUL = "nul"


class FeedRefused(Exception):
    """The file as a whole is unusable (or breaks a file rule): nothing is loaded."""


@dataclass(frozen=True)
class DeliveryName:
    feed: str
    delivered_on: dt.date
    sequence: int


def parse_file_name(file_name: str) -> DeliveryName | None:
    """``FEED_YYYYMMDD[_N].csv`` -> its parts, or None when the name is not of that form."""
    match = FILE_NAME_RE.match(file_name)
    if not match:
        return None
    try:
        delivered_on = dt.datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return DeliveryName(match["feed"], delivered_on, int(match["n"] or 0))


def delivery_date(feed: Feed, file_name: str, delivered_on: dt.date | None) -> dt.date:
    """The delivery date: given explicitly, or from a file name of the feed."""
    if delivered_on is not None:
        return delivered_on
    parsed = parse_file_name(file_name)
    if parsed is None or parsed.feed != feed.name:
        raise FeedRefused(
            _(
                "The file name %(name)s is not %(feed)s_YYYYMMDD[_N].csv with a real date; "
                "rename the file or give the delivery date."
            )
            % {"name": file_name, "feed": feed.name}
        )
    return parsed.delivered_on


@dataclass
class PreparedFile:
    path: Path
    size: int
    sha256: str
    header_width: int
    columns: tuple[str, ...]  # declared columns present in the header, in declared order
    positions: dict[str, int]  # declared column -> position in the header (0-based)
    data_lines: int  # physical lines after the header
    copy_direct: bool  # worth trying a COPY of the file itself
    has_nul: bool = False
    started: float = 0.0  # time.perf_counter() when reading began
    records: int | None = None  # non-blank data records, once the spool is written
    spool: IO[bytes] | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


@dataclass(frozen=True)
class Digest:
    sha256: str
    size: int
    has_nul: bool
    lines: int  # physical lines ("\n"-terminated, plus an unterminated last one)
    end_marker: bool  # a line "\." (COPY's end of data) occurs


def file_digest(path: Path) -> Digest:
    """Reads the file once as bytes; refuses a file that is not UTF-8."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    has_nul = False
    newlines = 0
    end_marker = False
    tail = b"\n"
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
                newlines += chunk.count(b"\n")
                joined = tail + chunk
                end_marker = end_marker or b"\n\\.\n" in joined or b"\n\\.\r\n" in joined
                tail = joined[-3:]
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise FeedRefused(
                        _("The file is not UTF-8 text (invalid byte at offset %(offset)s).")
                        % {"offset": size - pending + exc.start}
                    ) from exc
                size += len(chunk)
                has_nul = has_nul or b"\x00" in chunk
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise FeedRefused(
                _("The file is not UTF-8 text (it ends inside a character).")
            ) from exc
    except OSError as exc:
        raise FeedRefused(
            _("The file cannot be read: %(error)s") % {"error": exc.strerror}
        ) from exc
    ends_open = size > 0 and not tail.endswith(b"\n")
    end_marker = end_marker or tail.endswith(b"\n\\.")
    return Digest(digest.hexdigest(), size, has_nul, newlines + ends_open, end_marker)


def _header(names: list[str], feed: Feed) -> dict[str, int]:
    """Declared column -> position in the file; refuses duplicates and missing columns."""
    positions: dict[str, int] = {}
    for i, name in enumerate(n.strip().lower() for n in names):
        if name in feed.column_names:
            if name in positions:
                raise FeedRefused(
                    _("The column %(column)s appears more than once in the header.")
                    % {"column": name}
                )
            positions[name] = i
    missing = ", ".join(c for c in feed.required_columns if c not in positions)
    if not positions:
        raise FeedRefused(
            _(
                "No header row: the first row names none of the feed's columns; "
                "missing required column(s): %(columns)s."
            )
            % {"columns": missing}
        )
    if missing:
        raise FeedRefused(_("Missing required column(s): %(columns)s.") % {"columns": missing})
    return positions


def prepare_file(feed: Feed, path: Path) -> PreparedFile:
    """Checks the bytes and the header; the records are read by the load."""
    started = time.perf_counter()
    digest = file_digest(path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FeedRefused(
                _("The file is not readable CSV (row %(row)s): %(error)s")
                % {"row": 1, "error": exc}
            ) from exc
        header_lines = reader.line_num
    if header is None or not any(h.strip() for h in header):
        raise FeedRefused(_("The file is empty or its first row is blank: no header row."))
    positions = _header(header, feed)
    return PreparedFile(
        path=path,
        size=digest.size,
        sha256=digest.sha256,
        header_width=len(header),
        columns=tuple(c for c in feed.column_names if c in positions),
        positions=positions,
        data_lines=digest.lines - 1,
        copy_direct=header_lines == 1 and not digest.has_nul and not digest.end_marker,
        has_nul=digest.has_nul,
        started=started,
    )


def write_spool(feed: Feed, prepared: PreparedFile) -> IO[bytes]:
    """Every record as CSV: row number, problem, field count, the declared cells present."""
    spool = tempfile.NamedTemporaryFile("w+b", suffix=".csv")  # noqa: SIM115 (closed by the caller)
    row_no = 1
    try:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        records = 0
        # A cell of any size is read: an oversized one is rejected as its row's problem.
        csv.field_size_limit(sys.maxsize)
        with prepared.path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            try:
                next(reader)
                present = prepared.columns
                # The extra 0 makes itemgetter return a tuple even for one column.
                pick = operator.itemgetter(*(prepared.positions[c] for c in present), 0)
                width = prepared.header_width
                blanks = [""] * len(present)
                for record in reader:
                    row_no += 1
                    if not any(record):
                        continue
                    records += 1
                    if len(record) != width:
                        writer.writerow([row_no, PROBLEM_FIELD_COUNT, len(record), *blanks])
                        continue
                    values = pick(record)[:-1]
                    if any(len(v) > CELL_LIMIT for v in values):
                        # Longer than any column allows: rejected as too long all the same.
                        values = tuple(v[:CELL_LIMIT] for v in values)
                    if prepared.has_nul and any("\x00" in v for v in values):
                        writer.writerow([row_no, PROBLEM_NUL, width, *blanks])
                        continue
                    writer.writerow((row_no, "", width, *values))
            except UnicodeDecodeError as exc:
                raise FeedRefused(_("The file is not UTF-8 text.")) from exc
            except csv.Error as exc:
                raise FeedRefused(
                    _("The file is not readable CSV (row %(row)s): %(error)s")
                    % {"row": row_no + 1, "error": exc}
                ) from exc
        text.flush()
        text.detach()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    prepared.records = records
    prepared.spool = spool
    return spool
