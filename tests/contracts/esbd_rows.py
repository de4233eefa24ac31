"""Rows of the esbd_contracts feed for tests: valid by default, changed per test."""

from __future__ import annotations

import random
from pathlib import Path

from tests import feed_files
from tests.feed_files import make_bin

COLUMNS = [
    "insurer_bin",
    "insurer_name",
    "contract_series",
    "contract_number",
    "policyholder_bin",
    "policyholder_name",
    "policyholder_kato",
    "policyholder_oked",
    "concluded_on",
    "starts_on",
    "ends_on",
    "termination_reason",
    "terminated_on",
    "annual_payroll_kzt",
    "premium_kzt",
    "workers_count",
]


def bad_check_digit(bin_: str) -> str:
    """The same 11 digits with a wrong 12th digit."""
    return bin_[:11] + str((int(bin_[11]) + 1) % 10)


INSURER_BIN = make_bin(random.Random(1), "0101")
EMPLOYER_BIN = make_bin(random.Random(2), "0902")


def contract(**changes: str) -> dict[str, str]:
    row = {
        "insurer_bin": INSURER_BIN,
        "insurer_name": "АО «КСЖ «Береке Life»»",
        "contract_series": "ОС",
        "contract_number": "1001",
        "policyholder_bin": EMPLOYER_BIN,
        "policyholder_name": "ТОО «Каспий Строй»",
        "policyholder_kato": "751110000",
        "policyholder_oked": "41201",
        "concluded_on": "2025-01-10",
        "starts_on": "2025-01-15",
        "ends_on": "2026-01-14",
        "termination_reason": "",
        "terminated_on": "",
        "annual_payroll_kzt": "120000000.00",
        "premium_kzt": "180000.00",
        "workers_count": "42",
    }
    row.update(changes)
    return row


def csv_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    return feed_files.csv_text(rows, columns or COLUMNS)


def write_feed(
    folder: Path,
    rows: list[dict[str, str]],
    *,
    name: str = "esbd_contracts_20250201.csv",
    columns: list[str] | None = None,
) -> Path:
    return feed_files.write_csv(folder / name, rows, columns or COLUMNS)


def generated_rows(count: int, *, seed: int = 7, insurers: int = 12) -> list[dict[str, str]]:
    """``count`` valid contracts with distinct identities (for large-file tests)."""
    rng = random.Random(seed)
    insurer_bins = [make_bin(rng, "0101") for _ in range(insurers)]
    employer_bins = [make_bin(rng, "1004") for _ in range(max(1, count // 3))]
    rows = []
    for i in range(count):
        premium = rng.choice(("65000.00", "70000.00", "95000.50", "180000.00"))
        rows.append(
            contract(
                insurer_bin=insurer_bins[i % insurers],
                contract_series="ОС" if i % 2 else "",
                contract_number=f"{i:08d}",
                policyholder_bin=employer_bins[i % len(employer_bins)],
                policyholder_name=f"ТОО «Предприятие {i % len(employer_bins)}»",
                premium_kzt=premium,
                workers_count=str(rng.randrange(1, 500)),
            )
        )
    return rows
