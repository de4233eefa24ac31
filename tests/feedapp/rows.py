"""Rows of the test feed ``test_readings``: valid by default, changed per test."""

from __future__ import annotations

import random
from pathlib import Path

from tests import feed_files
from tests.feed_files import make_bin

FEED = "test_readings"
COLUMNS = [
    "station_bin",
    "station_name",
    "series",
    "number",
    "kato",
    "oked",
    "taken_on",
    "period",
    "amount",
    "count",
    "colour",
]


STATION_BIN = make_bin(random.Random(3), "0303")


def reading(**changes: str) -> dict[str, str]:
    row = {
        "station_bin": STATION_BIN,
        "station_name": "Станция «Көктем»",
        "series": "А",
        "number": "1001",
        "kato": "751110000",
        "oked": "41201",
        "taken_on": "2025-01-15",
        "period": "2025-01",
        "amount": "1250.50",
        "count": "42",
        "colour": "red",
    }
    row.update(changes)
    return row


def csv_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    return feed_files.csv_text(rows, columns or COLUMNS)


def write_feed(
    folder: Path,
    rows: list[dict[str, str]],
    *,
    name: str = "test_readings_20250201.csv",
    columns: list[str] | None = None,
) -> Path:
    return feed_files.write_csv(folder / name, rows, columns or COLUMNS)


def generated_rows(count: int, *, seed: int = 7, stations: int = 12) -> list[dict[str, str]]:
    """``count`` valid readings with distinct identities (for larger-file tests)."""
    rng = random.Random(seed)
    bins = [make_bin(rng, "0101") for _ in range(stations)]
    return [
        reading(
            station_bin=bins[i % stations],
            series="А" if i % 2 else "",
            number=f"{i:08d}",
            amount=f"{rng.randrange(0, 5000)}.{rng.randrange(100):02d}",
            count=str(rng.randrange(1, 1001)),
        )
        for i in range(count)
    ]
