"""Demo data of mandatory accident insurance beyond the contracts feed: employment contracts
through the ``esutd_contracts`` feed, more employers (branches, individual entrepreneurs),
insurers' corrections and terminations through the API services, flagged contracts,
the daily scan over the last 12 months, and notices.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from core import demo
from core.feeds.inbox import inbox_dir, process_inbox
from core.models import Organisation, Region

from .demo import seed_contracts_demo
from .feeds import ESBD_CONTRACTS
from .feeds_esutd import ESUTD_CONTRACTS
from .models import CaseState, OsnsContract, ViolatorCase
from .services.cases import case_move, notice_issue
from .services.contracts import contract_change, contract_terminate
from .services.scan import scan_violators

NEW_EMPLOYERS = 3000
OKEDS = ["41201", "49410", "47111", "05101", "24101", "86101", "01111", "62011", "85310"]


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _employment_rows(rng: random.Random, today: dt.date) -> tuple[list[dict], list[dict]]:
    """Employment contracts of the known employers and of new ones; the new employers' info."""
    regions = list(Region.objects.order_by("kato"))
    known = list(Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).order_by("bin"))
    employers = [
        {"bin": o.bin, "name": o.name, "kato": o.kato, "oked": o.oked, "head": ""} for o in known
    ]
    for _ in range(NEW_EMPLOYERS):
        region = rng.choice(regions)
        kind = rng.random()
        if kind < 0.1 and known:  # a branch of a known employer
            head = rng.choice(known)
            bin_ = demo.valid_bin(rng.randint(2005, 2024), rng.randint(1, 12), rng, attribute="1")
            name, head_bin = f"Филиал {head.name}", head.bin
        elif kind < 0.2:  # an individual entrepreneur
            bin_ = demo.valid_iin(demo.random_birth_date(rng, youngest=1998), "M", rng)
            name, head_bin = f"ИП {' '.join(demo.person_name('M', rng)[:2])}", ""
        else:
            bin_ = demo.valid_bin(rng.randint(2000, 2025), rng.randint(1, 12), rng)
            name, head_bin = demo.company_name(rng), ""
        employers.append(
            {
                "bin": bin_,
                "name": name,
                "kato": region.kato[:2] + f"{rng.randint(1, 40):02d}00000",
                "oked": rng.choice(OKEDS),
                "head": head_bin,
            }
        )
    rows = []
    for employer in employers:
        size = min(400, int(rng.paretovariate(1.3)) + (0 if employer["bin"][4] in "56" else 1))
        gone = rng.random() < 0.05  # every employee left: no longer obliged
        for n in range(size):
            starts = today - dt.timedelta(days=rng.randint(30, 1500))
            ends = starts + dt.timedelta(days=365) if rng.random() < 0.2 else None
            terminated = None
            if gone or rng.random() < 0.15:
                terminated = starts + dt.timedelta(days=rng.randint(1, (today - starts).days))
            rows.append(
                {
                    "employer_bin": employer["bin"],
                    "head_bin": employer["head"],
                    "employer_name": employer["name"],
                    "employer_kato": employer["kato"],
                    "employer_oked": employer["oked"],
                    "employee_iin": demo.valid_iin(
                        demo.random_birth_date(rng), rng.choice("MF"), rng
                    ),
                    "contract_number": f"ТД-{n + 1:05d}",
                    "starts_on": starts.isoformat(),
                    "ends_on": ends.isoformat() if ends else "",
                    "terminated_on": terminated.isoformat() if terminated else "",
                }
            )
    return rows, employers[len(known) :]


def _insurance_rows(rng, today, employers) -> list[dict[str, str]]:
    """Contracts of about 60 % of the new employers: current, lapsed (gaps), flagged."""
    insurers = list(Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("bin"))
    rows = []
    for number, employer in enumerate(employers, start=1):
        if employer["head"] or rng.random() < 0.4:
            continue
        insurer = rng.choice(insurers)
        lapsed = rng.random() < 0.2
        starts = today - dt.timedelta(days=rng.randint(400, 700) if lapsed else rng.randint(0, 330))
        ends = starts.replace(year=starts.year + 1) - dt.timedelta(days=1)
        workers = rng.randint(1, 60)
        premium = Decimal(max(70000, workers * rng.randint(2000, 9000)))
        if rng.random() < 0.05:  # flagged: under the floor
            premium = Decimal(rng.randint(20000, 69000))
        if rng.random() < 0.03:  # flagged: a term over 12 months
            ends += dt.timedelta(days=60)
        rows.append({
            "insurer_bin": insurer.bin, "insurer_name": insurer.name,
            "contract_series": "ЖС", "contract_number": f"{starts.year}-N{number:06d}",
            "policyholder_bin": employer["bin"], "policyholder_name": employer["name"],
            "policyholder_kato": employer["kato"], "policyholder_oked": employer["oked"],
            "concluded_on": (starts - dt.timedelta(days=rng.randint(0, 10))).isoformat(),
            "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
            "termination_reason": "", "terminated_on": "",
            "annual_payroll_kzt": f"{premium * 400:.2f}", "premium_kzt": f"{premium:.2f}",
            "workers_count": str(workers),
        })  # fmt: skip
    return rows


def seed_osns_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    """Employment contracts, more contracts, API corrections, a year of scans, notices."""
    employment, new_employers = _employment_rows(rng, today)
    esutd = ESUTD_CONTRACTS.name
    _write(
        inbox_dir(esutd) / f"{esutd}_{today:%Y%m%d}.csv",
        list(ESUTD_CONTRACTS.column_names),
        employment,
    )
    process_inbox(feed=esutd)
    esbd = ESBD_CONTRACTS.name
    _write(
        inbox_dir(esbd) / f"{esbd}_{today:%Y%m%d}_2.csv",
        list(ESBD_CONTRACTS.column_names),
        _insurance_rows(rng, today, new_employers),
    )
    process_inbox(feed=esbd)

    # The demo insurer corrects and terminates some of its contracts through the API services.
    insurer = users["insurer"].profile.organisation
    own = list(OsnsContract.objects.current().filter(insurer_bin=insurer.bin).order_by("pk")[:20])
    for contract in own[:10]:
        contract_change(
            insurer=insurer,
            contract=contract,
            changes={"workers_count": contract.workers_count + 3},
        )
    for contract in own[10:14]:
        contract_terminate(
            insurer=insurer,
            contract=contract,
            terminated_on=max(contract.starts_on, today - dt.timedelta(days=5)),
            termination_reason="Сақтанушының бастамасы бойынша",
        )

    # The daily scan on the first of each of the last 12 months, then today.
    days, year, month = [], today.year, today.month
    for _ in range(12):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for day in [*sorted(days), today]:
        if day <= today:
            summary = scan_violators(on=day)

    # Inspectors notify some employers and take some under preventive control.
    notified = 0
    for case in ViolatorCase.objects.filter(state=CaseState.OPEN).order_by("employer_bin")[::7]:
        inspector = users.get(f"inspector.{case.region_id}") or users["chief"]
        notice_issue(case=case, user=inspector, issued_on=today - dt.timedelta(days=3))
        notified += 1
        if notified % 3 == 0:
            case_move(case=case, to_state=CaseState.PREVENTIVE_CONTROL, user=inspector)
    return (
        f"employment contracts: {len(employment)} rows, {len(new_employers)} more employers; "
        f"scan today: {summary.obliged} obliged, {summary.violators} violators; "
        f"{notified} notices"
    )


def seed_contracts_and_coverage_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    first = seed_contracts_demo(rng=rng, today=today, users=users)
    return first + "; " + seed_osns_demo(rng=rng, today=today, users=users)
