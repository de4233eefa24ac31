"""Rows of the esutd_contracts feed and ОСНС contracts for coverage tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

from contracts.models import OsnsContract

from .esbd_rows import INSURER_BIN, make_bin

ESUTD_COLUMNS = [
    "employer_bin",
    "head_bin",
    "employer_name",
    "employer_kato",
    "employer_oked",
    "employee_iin",
    "contract_number",
    "starts_on",
    "ends_on",
    "terminated_on",
]

_rng = random.Random(11)
IINS = [make_bin(_rng, "8") for _ in range(40)]
HEAD_BIN = make_bin(random.Random(21), "0903")
BRANCH_BIN = make_bin(random.Random(22), "0904")
OTHER_BIN = make_bin(random.Random(23), "0905")
IE_IIN = make_bin(random.Random(24), "7")


def employment(**changes: str) -> dict[str, str]:
    row = {
        "employer_bin": HEAD_BIN,
        "head_bin": "",
        "employer_name": "ТОО «Алатау Құрылыс»",
        "employer_kato": "751110000",
        "employer_oked": "41201",
        "employee_iin": IINS[0],
        "contract_number": "ТД-1",
        "starts_on": "2025-01-01",
        "ends_on": "",
        "terminated_on": "",
    }
    row.update(changes)
    return row


def write_esutd(folder: Path, rows, *, name: str) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ESUTD_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = folder / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def osns(policyholder_bin: str, starts_on: str, ends_on: str, **changes) -> OsnsContract:
    """A current ОСНС contract version stored directly (coverage tests need no feed file)."""
    values = {
        "insurer_bin": INSURER_BIN,
        "insurer_name": "АО «КСЖ «Береке Life»»",
        "contract_series": "ОС",
        "contract_number": f"{policyholder_bin}-{starts_on}",
        "policyholder_bin": policyholder_bin,
        "policyholder_name": "policyholder",
        "concluded_on": dt.date.fromisoformat(starts_on),
        "starts_on": dt.date.fromisoformat(starts_on),
        "ends_on": dt.date.fromisoformat(ends_on),
        "annual_payroll_kzt": Decimal("1000000"),
        "premium_kzt": Decimal("90000"),
        "workers_count": 5,
        "version": 1,
        "is_current": True,
        "delivered_on": dt.date.fromisoformat(starts_on),
    }
    values.update(changes)
    return OsnsContract.objects.create(**values)
