"""Feed files for tests: BINs with valid check digits and CSV files as the feeds' senders write them."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from core.validators import check_digit


def make_bin(rng: random.Random, prefix: str = "0801") -> str:
    """A BIN with a valid check digit."""
    while True:
        first = prefix + "".join(str(rng.randrange(10)) for _ in range(11 - len(prefix)))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


def csv_text(rows: list[dict[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    path.write_text(csv_text(rows, columns), encoding="utf-8")
    return path
