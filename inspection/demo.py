"""Demo inspections and accidents: twelve months back from ``today`` in every region.

Inspections of every kind with violations (some eliminated later), orders, fines in
tenge (multiples of the monthly calculation index), suspensions, removals from work,
referrals to law enforcement and criminal cases; accidents with victims of every
outcome, group accidents among them, and investigations, most by state labour
inspectors. Rows are written with ``bulk_create`` (the services would take minutes
for this volume) but meet every rule the services check; the tests re-validate a
sample through the services. The same ``rng`` and ``today`` give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.db import transaction

from core import demo
from core.models import MciRate, Organisation, Region

from .models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionKind,
    InspectionOrder,
    Investigation,
    Referral,
    Removal,
    Suspension,
    SuspensionKind,
    Victim,
    VictimOutcome,
    Violation,
)

MONTHS = 12

VIOLATIONS = [
    "Не проведён вводный инструктаж по безопасности и охране труда",
    "Работники не обеспечены средствами индивидуальной защиты",
    "Не проведена аттестация производственных объектов по условиям труда",
    "Отсутствует журнал регистрации инструктажей на рабочем месте",
    "Не проведён обязательный медицинский осмотр работников",
    "Ограждение движущихся частей станка отсутствует",
    "Не обеспечена исправность заземления электрооборудования",
    "Нарушен режим рабочего времени и времени отдыха",
    "Заработная плата выплачена с задержкой более одного месяца",
    "Не заключён трудовой договор в письменной форме",
    "Отсутствует договор обязательного страхования работника от несчастных случаев",
    "Леса и подмости эксплуатируются без акта приёмки",
    "Не назначено лицо, ответственное за безопасное производство работ",
    "Еңбек қауіпсіздігі жөніндегі нұсқаулықтар бекітілмеген",
    "Жұмыскерлер арнайы киіммен қамтамасыз етілмеген",
    "Биіктіктегі жұмыстарға рұқсат-наряд ресімделмеген",
]
ACCIDENTS = [
    "Падение с высоты при монтаже металлоконструкций",
    "Травмирование движущимися частями оборудования",
    "Поражение электрическим током при ремонте электрощита",
    "Наезд погрузчика на территории склада",
    "Обрушение грунта при земляных работах",
    "Ожог при разливе расплавленного металла",
    "Дорожно-транспортное происшествие при исполнении трудовых обязанностей",
    "Отравление газом при работе в колодце",
    "Падение предмета с высоты на работника",
    "Защемление руки прессом",
    "Құрылыс алаңында биіктіктен құлау",
    "Жабдықтың айналмалы бөліктерінен жарақаттану",
]
FINE_MCI = (10, 20, 30, 40, 50, 70, 100, 150, 200)
KIND_WEIGHTS = {
    InspectionKind.PREVENTIVE_CONTROL: 45,
    InspectionKind.UNSCHEDULED: 45,
    InspectionKind.SPECIAL_ORDER: 10,
}
OUTCOME_WEIGHTS = {
    VictimOutcome.LIGHT: 35,
    VictimOutcome.MODERATE: 30,
    VictimOutcome.SEVERE: 25,
    VictimOutcome.FATAL: 10,
}


@dataclass
class _Employer:
    bin: str
    name: str
    kato: str


@dataclass
class _InspectionRows:
    inspection: Inspection
    children: list = field(default_factory=list)


@dataclass
class _AccidentRows:
    accident: Accident
    victims: list[Victim] = field(default_factory=list)
    investigation: Investigation | None = None
    investigation_children: list = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end]."""
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _later(rng: random.Random, start: dt.date, low: int, high: int, today: dt.date):
    """A day ``low``..``high`` days after ``start``, or None when that is after today."""
    day = start + dt.timedelta(days=rng.randint(low, high))
    return day if day <= today else None


def _mci(rates: dict[int, Decimal], year: int) -> Decimal:
    if year in rates:
        return rates[year]
    known = [y for y in rates if y <= year] or list(rates)
    return rates[max(known)] if known else Decimal("3932")


def _employers(region: Region, rng: random.Random) -> list[_Employer]:
    stored = [
        _Employer(org.bin, org.name, org.kato or region.kato)
        for org in Organisation.objects.filter(
            region=region, kind=Organisation.Kind.EMPLOYER
        ).order_by("bin")
    ]
    if stored:
        return stored
    return [
        _Employer(
            demo.valid_bin(rng.randint(2000, 2024), rng.randint(1, 12), rng),
            demo.company_name(rng),
            f"{region.code}{rng.randint(1, 40):02d}00000",
        )
        for _ in range(12)
    ]


def _actor(users: dict, region: Region):
    return users.get(f"inspector.{region.code}") or users.get("chief") or users.get("admin")


@dataclass(frozen=True)
class _Month:
    """Where and when a demo record happens, and who records it."""

    region: Region
    month_start: dt.date
    month_end: dt.date
    today: dt.date
    employers: Sequence[_Employer]
    user: object

    def day(self, rng: random.Random) -> dt.date:
        return _day(rng, self.month_start, self.month_end)


def _inspection(rng: random.Random, at: _Month, rates: dict[int, Decimal]) -> _InspectionRows:
    region, today, employers, user = at.region, at.today, at.employers, at.user
    started_on = at.day(rng)
    completed_on = _later(rng, started_on, 1, 30, today)
    if rng.random() < 0.12:  # an individual entrepreneur, inspected by IIN
        sex = demo.random_sex(rng)
        last, first, _middle = demo.person_name(sex, rng)
        subject_bin, subject_iin = None, demo.valid_iin(demo.random_birth_date(rng), sex, rng)
        subject_name = f"ИП {last} {first}"
    else:
        employer = rng.choice(employers)
        subject_bin, subject_iin, subject_name = employer.bin, None, employer.name
    inspection = Inspection(
        region=region,
        subject_bin=subject_bin,
        subject_iin=subject_iin,
        subject_name=subject_name,
        kind=_weighted(rng, KIND_WEIGHTS),
        started_on=started_on,
        completed_on=completed_on,
        created_by=user,
        updated_by=user,
    )
    rows = _InspectionRows(inspection)
    work_end = min(completed_on or today, today)
    add = rows.children.append

    violations = rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(20, 20, 20, 15, 12, 8, 5))[0]
    for _ in range(violations):
        detected_on = _day(rng, started_on, work_end)
        eliminated_on = _later(rng, detected_on, 0, 60, today) if rng.random() < 0.65 else None
        add(
            Violation(
                description=rng.choice(VIOLATIONS),
                detected_on=detected_on,
                eliminated_on=eliminated_on,
            )
        )
    if violations:
        for number in range(rng.choice((1, 1, 1, 2))):
            issued_on = _day(rng, started_on, work_end)
            add(
                InspectionOrder(
                    number=f"{region.code}-{issued_on:%y%m}-{rng.randint(100, 999)}{number}",
                    issued_on=issued_on,
                    due_on=issued_on + dt.timedelta(days=rng.choice((10, 15, 30, 60))),
                )
            )
        for _ in range(rng.choices((0, 1, 2), weights=(45, 45, 10))[0]):
            imposed_on = _day(rng, started_on, work_end)
            amount = _mci(rates, imposed_on.year) * rng.choice(FINE_MCI)
            add(Fine(imposed_on=imposed_on, amount_kzt=amount.quantize(Decimal("0.01"))))
    if violations and rng.random() < 0.12:
        add(
            Suspension(
                kind=rng.choices(list(SuspensionKind), weights=(60, 30, 10))[0],
                suspended_on=_day(rng, started_on, work_end),
            )
        )
    if violations and rng.random() < 0.1:
        add(Removal(removed_on=_day(rng, started_on, work_end), workers=rng.randint(1, 12)))
    if completed_on and violations >= 3 and rng.random() < 0.15:
        sent_on = _later(rng, completed_on, 1, 20, today)
        if sent_on:
            add(Referral(sent_on=sent_on))
            if rng.random() < 0.3 and (opened_on := _later(rng, sent_on, 5, 40, today)):
                add(_criminal_case(rng, opened_on, today))
    return rows


def _criminal_case(rng: random.Random, opened_on: dt.date, today: dt.date) -> CriminalCase:
    prosecuted_on = _later(rng, opened_on, 20, 150, today) if rng.random() < 0.6 else None
    return CriminalCase(
        opened_on=opened_on,
        prosecuted_on=prosecuted_on,
        persons_prosecuted=rng.choice((1, 1, 1, 2)) if prosecuted_on else None,
    )


def _accident(rng: random.Random, at: _Month) -> _AccidentRows:
    region, today, user = at.region, at.today, at.user
    employer = rng.choice(at.employers)
    occurred_on = at.day(rng)
    kato = employer.kato if employer.kato.startswith(region.code) else region.kato
    accident = Accident(
        kato=kato,
        region=region,
        occurred_on=occurred_on,
        employer_bin=employer.bin,
        employer_name=employer.name,
        description=rng.choice(ACCIDENTS),
        created_by=user,
        updated_by=user,
    )
    rows = _AccidentRows(accident)
    group = rng.random() < 0.12
    for _ in range(rng.randint(2, 5) if group else 1):
        sex = rng.choices((demo.MALE, demo.FEMALE), weights=(85, 15))[0]
        last, first, middle = demo.person_name(sex, rng)
        foreigner = rng.random() < 0.05
        rows.victims.append(
            Victim(
                iin=None
                if foreigner
                else demo.valid_iin(
                    demo.random_birth_date(rng, oldest=1962, youngest=2006), sex, rng
                ),
                full_name=" ".join(part for part in (last, first, middle) if part),
                outcome=_weighted(rng, OUTCOME_WEIGHTS),
            )
        )
    grave = group or any(
        v.outcome in (VictimOutcome.SEVERE, VictimOutcome.FATAL) for v in rows.victims
    )
    if rng.random() < (0.95 if grave else 0.6):
        completed_on = _later(rng, occurred_on, 5, 45, today)
        rows.investigation = Investigation(
            region=region,
            by_state_inspector=grave or rng.random() < 0.4,
            completed_on=completed_on,
        )
        fatal = any(v.outcome == VictimOutcome.FATAL for v in rows.victims)
        if completed_on and fatal and rng.random() < 0.5:
            sent_on = _later(rng, completed_on, 1, 15, today)
            if sent_on:
                rows.investigation_children.append(Referral(sent_on=sent_on))
                if rng.random() < 0.6 and (opened_on := _later(rng, sent_on, 3, 30, today)):
                    rows.investigation_children.append(_criminal_case(rng, opened_on, today))
    return rows


def _month_windows(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The twelve months back from today: whole months, the current one up to today."""
    windows = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        start = dt.date(year, month, 1)
        next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
        windows.append((start, min(next_month - dt.timedelta(days=1), today)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(windows))


@transaction.atomic
def seed_inspection_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    """Write the demo inspections and accidents; the caller runs it on an empty database.

    ``users`` maps usernames to users: ``inspector.NN`` records region NN (the chief
    inspector, ``chief``, stands in where a region has none).
    """
    rates = {year: amount for year, amount in MciRate.objects.values_list("year", "amount_kzt")}
    inspections: list[_InspectionRows] = []
    accidents: list[_AccidentRows] = []
    for region in Region.objects.order_by("kato"):
        employers = _employers(region, rng)
        user = _actor(users, region)
        intensity = rng.uniform(0.6, 1.6)
        for month_start, month_end in _month_windows(today):
            at = _Month(region, month_start, month_end, today, employers, user)
            for _ in range(round(rng.randint(4, 10) * intensity)):
                inspections.append(_inspection(rng, at, rates))
            for _ in range(max(1, round(rng.randint(1, 6) * intensity))):
                accidents.append(_accident(rng, at))
    with pghistory.context(source="seed_demo"):
        _write_inspections(inspections)
        _write_accidents(accidents)
    return (
        f"{len(inspections)} inspections and {len(accidents)} accidents over a year in every region"
    )


def _bulk_children(children: list, parent_field: str, parent_of: dict) -> None:
    by_model: dict[type, list] = {}
    for child in children:
        setattr(child, parent_field, parent_of[id(child)])
        by_model.setdefault(type(child), []).append(child)
    for model, rows in by_model.items():
        model.objects.bulk_create(rows, batch_size=2000)


def _write_inspections(rows: list[_InspectionRows]) -> None:
    Inspection.objects.bulk_create([row.inspection for row in rows], batch_size=2000)
    parent_of = {id(child): row.inspection for row in rows for child in row.children}
    _bulk_children([child for row in rows for child in row.children], "inspection", parent_of)


def _write_accidents(rows: list[_AccidentRows]) -> None:
    Accident.objects.bulk_create([row.accident for row in rows], batch_size=2000)
    victims = []
    for row in rows:
        for victim in row.victims:
            victim.accident = row.accident
            victims.append(victim)
    Victim.objects.bulk_create(victims, batch_size=2000)
    investigated = [row for row in rows if row.investigation is not None]
    for row in investigated:
        row.investigation.accident = row.accident
    Investigation.objects.bulk_create([row.investigation for row in investigated], batch_size=2000)
    parent_of = {
        id(child): row.investigation for row in investigated for child in row.investigation_children
    }
    _bulk_children(
        [child for row in investigated for child in row.investigation_children],
        "investigation",
        parent_of,
    )
