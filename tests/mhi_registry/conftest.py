"""Helpers: valid IINs, feed files written and loaded through the shared pipeline."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from core.feeds.pipeline import import_feed_file
from core.validators import check_digit

CATEGORY_COLUMNS = [
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "category",
    "assigned_on",
    "assigned_source",
    "removed_on",
    "removed_source",
    "removal_reason",
]
PAYMENT_COLUMNS = [
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "payer_bin",
    "payer_name",
    "period",
    "received_on",
    "reference",
    "amount_kzt",
    "knp",
]
SECURITY_COLUMNS = ["authority", "effective_on", "iin", "last_name", "first_name", "middle_name"]


def make_iin(n: int, prefix: str = "900101") -> str:
    """A valid IIN: ``prefix`` + a serial + its check digit."""
    serial = n
    while True:
        first = (prefix + str(serial).zfill(11 - len(prefix)))[:11]
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        serial += 10**6


def write_csv(folder: Path, name: str, columns: list[str], rows: list[dict]) -> Path:
    path = folder / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def category_row(iin, category, assigned_on, removed_on="", reason="", last_name="Асанов"):
    return {
        "iin": iin,
        "last_name": last_name,
        "category": category,
        "assigned_on": assigned_on,
        "assigned_source": "MLSPP",
        "removed_on": removed_on,
        "removal_reason": reason,
    }


def payment_row(iin, period, received_on, amount="5000", knp="121", reference="P1"):
    return {
        "iin": iin,
        "last_name": "Асанов",
        "period": period,
        "received_on": received_on,
        "reference": reference,
        "amount_kzt": amount,
        "knp": knp,
    }


@pytest.fixture
def load(tmp_path: Path):
    """load(feed, rows, day) -> summary; security lists: load(feed, rows, day, authority=...)."""

    def _load(feed: str, rows: list[dict], day: dt.date, *, authority: str = "", n: int = 0):
        stamp = day.strftime("%Y%m%d") + (f"_{n}" if n else "")
        if feed == "mhi_security_forces":
            name, columns = f"{feed}_{authority}_{stamp}.csv", SECURITY_COLUMNS
        elif feed == "mhi_categories":
            name, columns = f"{feed}_{stamp}.csv", CATEGORY_COLUMNS
        else:
            name, columns = f"{feed}_{stamp}.csv", PAYMENT_COLUMNS
        path = write_csv(tmp_path, name, columns, rows)
        return import_feed_file(feed=feed, path=path, delivered_on=day)

    return _load


@pytest.fixture
def student():
    """A student (R13) since 60 days, until 30 days ahead, in the store."""
    from mhi_registry import store
    from tests.factories import CategoryPeriodFactory

    today = store.today()
    iin = make_iin(7, "050505")
    CategoryPeriodFactory(
        iin=iin,
        last_name="Әлиева",
        assigned_on=today - dt.timedelta(days=60),
        assigned_source="MSHE",
        removed_on=today + dt.timedelta(days=30),
        removed_source="MSHE",
    )
    store.refresh_people([iin], as_of=today)
    return iin
