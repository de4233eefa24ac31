"""Demo deliveries of the esbd_contracts feed, loaded through the real pipeline.

Two files land in the feed's inbox: a full delivery a week ago, and today's
with corrections, terminations and a few rows that break the rules of
FEEDS.md, so that feed runs and rejected rows are there to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from contracts.feeds import ESBD_CONTRACTS
from core.feeds.inbox import inbox_dir, process_inbox
from core.models import Organisation

FEED = ESBD_CONTRACTS.name
COLUMNS = [column.name for column in ESBD_CONTRACTS.columns]


def _contract_rows(rng: random.Random, today: dt.date) -> list[dict[str, str]]:
    insurers = list(Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("bin"))
    employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).order_by("bin")
    rows = []
    for number, employer in enumerate(employers, start=1):
        if rng.random() < 0.3:  # about a third of employers are not insured
            continue
        insurer = rng.choice(insurers)
        starts = today - dt.timedelta(days=rng.randint(0, 330))
        ends = starts.replace(year=starts.year + 1) - dt.timedelta(days=1)
        workers = rng.randint(3, 400)
        payroll = Decimal(workers * rng.randint(150_000, 600_000) * 12)
        premium = max(Decimal("70000"), (payroll * Decimal("0.0015")).quantize(Decimal("1")))
        rows.append({
            "insurer_bin": insurer.bin, "insurer_name": insurer.name,
            "contract_series": "ОС", "contract_number": f"{starts.year}-{number:06d}",
            "policyholder_bin": employer.bin, "policyholder_name": employer.name,
            "policyholder_kato": employer.kato, "policyholder_oked": employer.oked,
            "concluded_on": (starts - dt.timedelta(days=rng.randint(0, 10))).isoformat(),
            "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
            "termination_reason": "", "terminated_on": "",
            "annual_payroll_kzt": f"{payroll:.2f}", "premium_kzt": f"{premium:.2f}",
            "workers_count": str(workers),
        })  # fmt: skip
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def seed_contracts_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    """Two deliveries of the contracts feed through the real pipeline."""
    rows = _contract_rows(rng, today)
    week_ago = today - dt.timedelta(days=7)
    _write(inbox_dir(FEED) / f"{FEED}_{week_ago:%Y%m%d}.csv", rows)

    update = [dict(row) for row in rng.sample(rows, k=min(40, len(rows)))]
    for row in update[:15]:  # terminated early at the policyholder's request
        row["termination_reason"] = "По инициативе страхователя"
        row["terminated_on"] = today.isoformat()
    for row in update[15:30]:  # corrected payroll and workers
        row["workers_count"] = str(int(row["workers_count"]) + rng.randint(1, 20))
    broken = [dict(row) for row in update[30:]]
    # Rows FEEDS.md rejects (dates out of order, a wrong check digit) or loads flagged (premium 0).
    for i, row in enumerate(broken):
        row["contract_number"] += "-X"
        if i % 3 == 0:
            row["starts_on"], row["ends_on"] = row["ends_on"], row["starts_on"]
        elif i % 3 == 1:
            row["premium_kzt"] = "0"
        else:
            row["policyholder_bin"] = row["policyholder_bin"][:11] + str(
                (int(row["policyholder_bin"][11]) + 1) % 10
            )
    _write(inbox_dir(FEED) / f"{FEED}_{today:%Y%m%d}.csv", update[:30] + broken)
    result = process_inbox(feed=FEED)
    loaded = ", ".join(
        f"{f['file']}: {f.get('loaded', 0)} loaded, {f.get('rejected', 0)} rejected, "
        f"{f.get('flagged', 0)} flagged"
        for f in result["files"]
    )
    return f"mandatory insurance contracts through the feed: {loaded}"
