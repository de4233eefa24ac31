"""Demo voluntary contracts with their events, claims, decisions and payouts, written
through the services: on-time, at-risk and late cases for every kind of deadline."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from core import demo
from core.calendar import working_calendar
from core.models import Organisation

from . import services
from .models import Circumstance

GROUNDS = [
    (
        "refuse",
        ["44.2"],
        "Алкогольдік масаң күй негізгі себеп болды / Алкогольное опьянение "
        "явилось основной причиной.",
    ),
    (
        "refuse_partly",
        ["43.5"],
        "Сақтандырушы уақтылы хабардар етілмеді / Страховщик не уведомлён своевременно.",
    ),
    (
        "reduce",
        ["43.2"],
        "Залалды азайту шаралары қолданылмады / Не приняты меры по уменьшению убытков.",
    ),
]


def back_working_days(day: dt.date, n: int, calendar) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


def _person(rng: random.Random) -> tuple[str, str]:
    sex = demo.random_sex(rng)
    last, first, middle = demo.person_name(sex, rng)
    return demo.valid_iin(demo.random_birth_date(rng), sex, rng), f"{last} {first} {middle}"


def seed_voluntary_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    calendar = working_calendar()
    insurers = list(Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("bin"))
    employers = list(Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).order_by("bin"))
    counts = {"contracts": 0, "events": 0, "claims": 0, "payouts": 0}
    number = 0
    for insurer in insurers:
        for _ in range(8):
            number += 1
            employer = rng.choice(employers)
            concluded = today - dt.timedelta(days=rng.randint(120, 300))
            people = [_person(rng) for _ in range(rng.randint(2, 5))]
            contract = services.contract_create(
                insurer=insurer,
                series="ЕС",
                number=f"{concluded.year}-{number:05d}",
                policyholder_bin=employer.bin,
                policyholder_name=employer.name,
                policyholder_address=f"{employer.region.name_ru}",
                policyholder_economic_sector="7",
                region=employer.region_id,
                concluded_on=concluded,
                ends_on=concluded.replace(year=concluded.year + 1) - dt.timedelta(days=1),
                sum_insured_kzt=Decimal(rng.choice([3_000_000, 5_000_000, 8_000_000])),
                premium_kzt=Decimal(rng.choice([120_000, 180_000, 240_000])),
                insured_object="Қызметкердің мүліктік мүддесі / Имущественный интерес работника",
                insured_event="Жазатайым оқиға, 5-29 % / Несчастный случай, 5-29 %",
                insured=[{"iin": i, "full_name": n} for i, n in people],
                beneficiaries=[{"iin": i, "full_name": n} for i, n in people],
                signatory={
                    "name": "Басқарма Төрағасы / Председатель Правления",
                    "basis": rng.choice(["chairman", "power_of_attorney"]),
                },
                acting_user=users.get("insurer"),
            )
            services.premium_payment_record(
                contract=contract,
                received_on=concluded + dt.timedelta(days=rng.randint(0, 5)),
                amount_kzt=contract.premium_kzt,
            )
            contract.refresh_from_db()
            counts["contracts"] += 1
            if rng.random() < 0.35:
                continue
            _seed_case(contract, people, rng=rng, today=today, calendar=calendar, counts=counts)
    return (
        f"{counts['contracts']} voluntary contracts, {counts['events']} accidents, "
        f"{counts['claims']} claims, {counts['payouts']} reimbursements"
    )


def _seed_case(contract, people, *, rng, today, calendar, counts) -> None:
    iin, name = rng.choice(people)
    occurred = contract.starts_on + dt.timedelta(
        days=rng.randint(5, max(6, (today - contract.starts_on).days - 40))
    )
    occurred = min(occurred, today - dt.timedelta(days=30))
    late_notice = rng.random() < 0.3
    notified = calendar.add_working_days(
        occurred, rng.randint(4, 8) if late_notice else rng.randint(0, 3)
    )
    event = services.event_create(
        insurer=contract.insurer,
        contract=contract.id,
        insured_iin=iin,
        insured_name=name,
        occurred_on=occurred,
        notified_on=min(notified, today),
        circumstance=rng.choice(Circumstance.values),
        accident_act_number=f"Н-{rng.randint(1, 999)}",
        accident_act_on=occurred + dt.timedelta(days=2),
        description="Өндірістік жарақат / Производственная травма",
    )
    counts["events"] += 1
    scenario = rng.choice(["decided", "decided", "late", "at_risk", "pending"])
    if scenario == "at_risk":
        documents_on = back_working_days(today, rng.choice([5, 6]), calendar)
    elif scenario == "pending":
        documents_on = back_working_days(today, 2, calendar)
    else:
        documents_on = min(
            notified + dt.timedelta(days=rng.randint(10, 20)), today - dt.timedelta(days=15)
        )
    documents_on = max(documents_on, occurred)
    degree = (
        rng.choice([10, 15, 20, 25, 30])
        if rng.random() < 0.15
        else rng.choice([5, 10, 15, 20, 25, 29])
    )
    claim = services.claim_create(
        insurer=contract.insurer,
        event=event.id,
        degree_percent=degree,
        degree_set_on=documents_on - dt.timedelta(days=3),
        degree_until=documents_on - dt.timedelta(days=3) + dt.timedelta(days=365),
        certifying_body="МСЭ бөлімі / Отдел МСЭ",
        beneficiary={
            "iin": iin,
            "full_name": name,
            "address": "Қазақстан / Казахстан",
            "phone": f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "bank_account": f"KZ{rng.randint(10**17, 10**18 - 1)}",
        },
        documents=[
            {"kind": "accident_act", "received_on": documents_on},
            {"kind": "identity_document", "received_on": documents_on},
            {"kind": "degree_certificate", "received_on": documents_on},
            {"kind": "expense_documents", "received_on": documents_on},
        ],
    )
    counts["claims"] += 1
    if scenario in ("at_risk", "pending"):
        return
    delay = rng.randint(8, 12) if scenario == "late" else rng.randint(1, 7)
    decided_on = min(calendar.add_working_days(documents_on, delay), today)
    if not claim.insured_degree:
        services.decision_record(
            claim=claim,
            decision="refuse",
            decided_on=decided_on,
            grounds=["44.4"],
            reason_text="Дәреже 5-29 %-дан тыс / Степень вне 5-29 %.",
        )
        return
    if rng.random() < 0.2:
        kind, grounds, text = rng.choice(GROUNDS)
        services.decision_record(
            claim=claim, decision=kind, decided_on=decided_on, grounds=grounds, reason_text=text
        )
        if kind == "refuse":
            return
    else:
        services.decision_record(claim=claim, decision="pay", decided_on=decided_on)
    late_payout = rng.random() < 0.3
    paid_on = min(
        calendar.add_working_days(
            decided_on, rng.randint(8, 12) if late_payout else rng.randint(1, 6)
        ),
        today,
    )
    services.payout_record(
        claim=claim,
        kind="additional_expenses",
        amount_kzt=Decimal(rng.randint(50, 400) * 1000),
        documents_on=decided_on,
        paid_on=paid_on,
    )
    counts["payouts"] += 1
