"""The two monthly forms of seed 003 and their counting rules (INTERFACES.md § Reports).

Every column is defined once here: which records it counts (a source model,
the date that places a record in the reporting month, an extra condition)
and how (count or sum of a field). The same definition drives the aggregate
SQL of the generation, the inputs fingerprint and the drill-down list of the
records behind a cell, so the three can never disagree.

The form titles and column titles are the official Kazakh and Russian texts
of the forms (data of the form itself, not interface strings); the English
ones are working translations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext

from inspection.models import (
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

from .models import FormCode

# Bump when a counting rule changes: it is part of every inputs fingerprint,
# so a regeneration after a rule change never looks "unchanged".
RULES_REVISION = "2026-1"

# The key of the republic total among the row keys (a row is keyed by its КАТО).
TOTAL = "total"


# --- Sources: a model, the path to its region, the fields a rule reads ------


@dataclass(frozen=True)
class Source:
    """A table the forms count, with the path(s) from a record to its region.

    With several paths the first non-empty one is the record's region (a
    referral belongs to an inspection or to an investigation).
    ``fingerprint_fields`` are every field a rule reads; they are hashed into
    the inputs fingerprint of a version. ``inspection_path`` and
    ``accident_path`` lead to the inspection or accident a record belongs to
    (for links from the drill-down list).
    """

    key: str
    model: type[models.Model]
    region_paths: tuple[str, ...]
    fingerprint_fields: tuple[str, ...]
    inspection_path: str | None = None
    accident_path: str | None = None


INSPECTIONS = Source(
    "inspections", Inspection, ("region",), ("kind", "completed_on"), inspection_path="pk"
)
VIOLATIONS = Source(
    "violations",
    Violation,
    ("inspection__region",),
    ("detected_on", "eliminated_on"),
    inspection_path="inspection_id",
)
ORDERS = Source("orders", InspectionOrder, ("inspection__region",), ("issued_on",), "inspection_id")
FINES = Source(
    "fines", Fine, ("inspection__region",), ("imposed_on", "amount_kzt"), "inspection_id"
)
SUSPENSIONS = Source(
    "suspensions", Suspension, ("inspection__region",), ("kind", "suspended_on"), "inspection_id"
)
REMOVALS = Source(
    "removals", Removal, ("inspection__region",), ("removed_on", "workers"), "inspection_id"
)
INVESTIGATIONS = Source(
    "investigations",
    Investigation,
    ("region",),
    ("by_state_inspector", "completed_on"),
    accident_path="accident_id",
)
REFERRALS = Source(
    "referrals",
    Referral,
    ("inspection__region", "investigation__region"),
    ("sent_on", "inspection_id", "investigation_id"),
    inspection_path="inspection_id",
    accident_path="investigation__accident_id",
)
CRIMINAL_CASES = Source(
    "criminal_cases",
    CriminalCase,
    ("inspection__region", "investigation__region"),
    ("opened_on", "persons_prosecuted", "prosecuted_on", "inspection_id", "investigation_id"),
    inspection_path="inspection_id",
    accident_path="investigation__accident_id",
)
ACCIDENTS = Source("accidents", Accident, ("region",), ("occurred_on",), accident_path="pk")
VICTIMS = Source(
    "victims",
    Victim,
    ("accident__region",),
    ("outcome", "accident_id"),
    accident_path="accident_id",
)


# --- Rules -------------------------------------------------------------------

MONTH = "month"  # the date is in the reporting month
BEFORE = "before"  # the date is before the reporting month
YEAR_TO_DATE = "ytd"  # the date is from 1 January to the end of the reporting month


def shift_month(period: date, delta: int) -> date:
    """The first day of the month ``delta`` months from the month of ``period``."""
    index = period.year * 12 + period.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(period: date) -> tuple[date, date]:
    """[first day, first day of the next month) of the month of ``period``."""
    return period.replace(day=1), shift_month(period, 1)


# Both forms are due by the 3rd day of the month after the reporting month (seed 003).
SUBMISSION_DAY = 3


def due_on(period: date) -> date:
    return shift_month(period, 1).replace(day=SUBMISSION_DAY)


@dataclass(frozen=True)
class Rule:
    """Which records of a source a figure counts, and how.

    ``where`` is a condition on the record (or a function of the month's
    bounds returning one); ``sum_of`` names the field summed, else records
    are counted.
    """

    source: Source
    date_field: str
    where: Q | Callable[[date, date], Q] = field(default_factory=Q)
    sum_of: str | None = None
    span: str = MONTH

    def records_q(self, period: date) -> Q:
        start, end = month_bounds(period)
        if self.span == MONTH:
            q = Q(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})
        elif self.span == BEFORE:
            q = Q(**{f"{self.date_field}__lt": start})
        elif self.span == YEAR_TO_DATE:
            q = Q(
                **{
                    f"{self.date_field}__gte": date(start.year, 1, 1),
                    f"{self.date_field}__lt": end,
                }
            )
        else:  # pragma: no cover - a definition error
            raise ValueError(self.span)
        extra = self.where(start, end) if callable(self.where) else self.where
        return q & extra


def _group_accident_ids():
    """Accidents with two or more victims: group accidents (DOMAIN.md glossary)."""
    return (
        Victim.objects.order_by()
        .values("accident")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("accident")
    )


def group_accident_q() -> Q:
    return Q(pk__in=_group_accident_ids())


def group_accident_victim_q() -> Q:
    return Q(accident__in=_group_accident_ids())


@dataclass(frozen=True)
class Column:
    number: str
    title_kk: str
    title_ru: str
    title_en: str
    rule: Rule
    thousands: bool = False  # column 9: a decimal string of thousand tenge, one decimal

    def title(self, language: str | None) -> str:
        lang = (language or "kk")[:2]
        return {"kk": self.title_kk, "ru": self.title_ru}.get(lang, self.title_en)


@dataclass(frozen=True)
class FormDefinition:
    code: str
    index: str
    title_kk: str
    title_ru: str
    title_en: str
    columns: tuple[Column, ...]
    # Figures that are not columns but feed the consistency checks.
    measures: dict[str, Rule]
    # Column header groups: (first column, last column, kk, ru, en) under "of which".
    groups: tuple[tuple[str, str, str, str, str], ...] = ()

    def title(self, language: str | None) -> str:
        lang = (language or "kk")[:2]
        return {"kk": self.title_kk, "ru": self.title_ru}.get(lang, self.title_en)

    @property
    def column_numbers(self) -> list[str]:
        return [c.number for c in self.columns]

    def column(self, number: str) -> Column | None:
        return next((c for c in self.columns if c.number == number), None)

    def sources(self) -> list[Source]:
        seen: dict[str, Source] = {}
        for rule in [c.rule for c in self.columns] + list(self.measures.values()):
            seen.setdefault(rule.source.key, rule.source)
        return list(seen.values())


def _open_at_month_start(start: date, end: date) -> Q:
    return Q(eliminated_on__isnull=True) | Q(eliminated_on__gte=start)


MEIZHM = FormDefinition(
    code=FormCode.MEIZHM,
    index="1-МЕИЖМ",
    title_kk="Мемлекеттік еңбек инспекторларының жұмысы туралы мәліметтер",
    title_ru="Сведения о работе государственных инспекторов труда",
    title_en="Work of state labour inspectors",
    columns=(
        Column(
            "2",
            "Жеке және заңды тұлғаларға қатысты жүргізілген тексерулер саны",
            "Количество проведенных проверок в отношении физических и юридических лиц",
            "Inspections of individuals and legal entities",
            Rule(INSPECTIONS, "completed_on"),
        ),
        Column(
            "3",
            "оның ішінде профилактикалық бақылау",
            "в том числе профилактический контроль",
            "of which preventive control",
            Rule(INSPECTIONS, "completed_on", Q(kind=InspectionKind.PREVENTIVE_CONTROL)),
        ),
        Column(
            "4",
            "оның ішінде жоспардан тыс тексерулер",
            "в том числе внеплановые проверки",
            "of which unscheduled inspections",
            Rule(INSPECTIONS, "completed_on", Q(kind=InspectionKind.UNSCHEDULED)),
        ),
        Column(
            "5",
            "Анықталған бұзушылықтар саны",
            "Количество выявленных нарушений",
            "Violations detected",
            Rule(VIOLATIONS, "detected_on"),
        ),
        Column(
            "6",
            "Жойылған бұзушылықтар саны",
            "Количество устраненных нарушений",
            "Violations eliminated",
            Rule(VIOLATIONS, "eliminated_on"),
        ),
        Column(
            "7",
            "Берілген нұсқамалар саны",
            "Количество выданных предписаний",
            "Orders issued",
            Rule(ORDERS, "issued_on"),
        ),
        Column(
            "8",
            "Салынған әкімшілік айыппұлдар саны",
            "Количество наложенных административных штрафов",
            "Administrative fines imposed",
            Rule(FINES, "imposed_on"),
        ),
        Column(
            "9",
            "Әкімшілік айыппұлдардың сомасы (мың теңге)",
            "Сумма административных штрафов (тыс. тенге)",
            "Amount of administrative fines (thousand tenge)",
            Rule(FINES, "imposed_on", sum_of="amount_kzt"),
            thousands=True,
        ),
        Column(
            "10",
            "Жұмыстың, оның ішінде станоктардың, жабдықтардың тоқтатылуы (тыйым салынуы)",
            "Приостановлено (запрещено) работ, в том числе станков, оборудования",
            "Work suspended (prohibited), incl. machine tools and equipment",
            Rule(SUSPENSIONS, "suspended_on", Q(kind=SuspensionKind.EQUIPMENT)),
        ),
        Column(
            "11",
            "Өндірістік объектілердің тоқтатылуы (тыйым салынуы)",
            "Приостановлено (запрещено) производственных объектов",
            "Production facilities suspended (prohibited)",
            Rule(SUSPENSIONS, "suspended_on", Q(kind=SuspensionKind.FACILITY)),
        ),
        Column(
            "12",
            "Ұйымдар қызметінің тоқтатылуы (тыйым салынуы)",
            "Приостановлена (запрещена) деятельность организаций",
            "Organisations' activity suspended (prohibited)",
            Rule(SUSPENSIONS, "suspended_on", Q(kind=SuspensionKind.ORGANISATION)),
        ),
        Column(
            "13",
            "Жұмыстан шеттетілген жұмыскерлер саны",
            "Количество отстраненных от работы работников",
            "Workers removed from work",
            Rule(REMOVALS, "removed_on", sum_of="workers"),
        ),
        Column(
            "14",
            "Мемлекеттік еңбек инспекторлары жүргізген жазатайым оқиғаларды тергеп-тексеру "
            "саны (аяқталған)",
            "Количество расследований несчастных случаев, проведенных государственными "
            "инспекторами труда (завершенных)",
            "Accident investigations completed by state labour inspectors",
            Rule(INVESTIGATIONS, "completed_on", Q(by_state_inspector=True)),
        ),
        Column(
            "15",
            "Құқық қорғау органдарына берілген материалдар саны",
            "Количество материалов, направленных в правоохранительные органы",
            "Materials sent to law enforcement",
            Rule(REFERRALS, "sent_on"),
        ),
        Column(
            "16",
            "Қозғалған қылмыстық істер саны",
            "Количество возбужденных уголовных дел",
            "Criminal cases opened",
            Rule(CRIMINAL_CASES, "opened_on"),
        ),
        Column(
            "17",
            "Жазатайым оқиғаны арнайы тергеп-тексеру материалдары бойынша қылмыстық "
            "жауаптылыққа тартылған адамдар саны",
            "Количество лиц, привлеченных к уголовной ответственности по материалам "
            "специального расследования несчастных случаев",
            "Persons brought to criminal liability on special-investigation materials",
            Rule(
                CRIMINAL_CASES,
                "prosecuted_on",
                Q(investigation__isnull=False),
                sum_of="persons_prosecuted",
            ),
        ),
    ),
    measures={
        # Violations detected before the month and still open at its start.
        "open_at_start": Rule(VIOLATIONS, "detected_on", _open_at_month_start, span=BEFORE),
        # Accidents from 1 January to the end of the month (2-ӨЖ column 2, year to date).
        "accidents_ytd": Rule(ACCIDENTS, "occurred_on", span=YEAR_TO_DATE),
    },
)

OZH = FormDefinition(
    code=FormCode.OZH,
    index="2-ӨЖ",
    title_kk="Өндірістік жарақаттанудың жай-күйі туралы мәліметтер",
    title_ru="Сведения о состоянии производственного травматизма",
    title_en="State of occupational injuries",
    columns=(
        Column(
            "2",
            "Барлығы жазатайым оқиғалар саны (бірлік)",
            "Всего несчастных случаев (единиц)",
            "Accidents, total (units)",
            Rule(ACCIDENTS, "occurred_on"),
        ),
        Column(
            "3",
            "Оның ішінде топтық (бірлік)",
            "В том числе групповых (единиц)",
            "of which group accidents (units)",
            Rule(ACCIDENTS, "occurred_on", lambda start, end: group_accident_q()),
        ),
        Column(
            "4",
            "Барлығы зардап шеккендер саны (адам)",
            "Всего пострадавших (человек)",
            "Victims, total (persons)",
            Rule(VICTIMS, "accident__occurred_on"),
        ),
        Column(
            "5",
            "Топтық жазатайым оқиғаларда зардап шеккендердің саны (адам)",
            "Пострадавших в групповых несчастных случаях (человек)",
            "Victims of group accidents (persons)",
            Rule(VICTIMS, "accident__occurred_on", lambda start, end: group_accident_victim_q()),
        ),
        Column(
            "6",
            "Жеңіл және орташа дәрежедегі зардап шеккендердің саны (адам)",
            "Пострадавших с легкой и средней степенью тяжести (человек)",
            "Victims with light and moderate injuries (persons)",
            Rule(
                VICTIMS,
                "accident__occurred_on",
                Q(outcome__in=[VictimOutcome.LIGHT, VictimOutcome.MODERATE]),
            ),
        ),
        Column(
            "7",
            "Ауыр нәтижемен зардап шеккендер саны (адам)",
            "Пострадавших с тяжелым исходом (человек)",
            "Victims with severe outcome (persons)",
            Rule(VICTIMS, "accident__occurred_on", Q(outcome=VictimOutcome.SEVERE)),
        ),
        Column(
            "8",
            "Қаза тапқандар саны (адам)",
            "Погибших (человек)",
            "Fatalities (persons)",
            Rule(VICTIMS, "accident__occurred_on", Q(outcome=VictimOutcome.FATAL)),
        ),
    ),
    measures={},
    groups=(("5", "8", "оның ішінде", "в том числе", "of which"),),
)

FORMS: dict[str, FormDefinition] = {MEIZHM.code: MEIZHM, OZH.code: OZH}

# Fixed texts of the printed form (seed 003), Kazakh / Russian.
REGION_COLUMN = ("Өңір", "Регион", "Region")
TOTAL_ROW = ("Республика бойынша барлығы", "Всего по республике", "Total for the republic")
FORM_FOR_COLLECTION = (
    "Әкімшілік деректерді жинауға арналған нысан",
    "Форма, предназначенная для сбора административных данных",
)
SUBMITTED_TO = (
    "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігінің Мемлекеттік "
    "еңбек инспекциясы комитетіне ұсынылады",
    "Представляется в Комитет государственной инспекции труда Министерства труда и "
    "социальной защиты населения Республики Казахстан",
)
FREQUENCY = ("Жиілігі: ай сайын", "Периодичность: ежемесячно")
DUE = (
    "Ұсыну мерзімі: есепті кезеңнен кейінгі айдың 3-күніне (қоса алғанда) дейін",
    "Срок представления: до 3 числа (включительно) месяца, следующего за отчетным периодом",
)
MONTHS_KK = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
MONTHS_RU = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
HEADER_LABELS = {
    "bin": ("БСН", "БИН"),
    "name": ("Атауы", "Наименование"),
    "address": ("Мекенжайы", "Адрес"),
    "phone": ("Телефон", "Телефон"),
    "email": ("Электрондық пошта мекенжайы", "Адрес электронной почты"),
    "executor": ("Орындаушы", "Исполнитель"),
    "head": (
        "Басшы немесе қол қоюға уәкілетті тұлға",
        "Руководитель или лицо, уполномоченное на подписание",
    ),
    "date": ("Күні", "Дата"),
}
SEAL_PLACE = "М.О. / М.П."


def reporting_period_text(period: date) -> tuple[str, str]:
    """'Есепті кезең: 2026 жылғы қазан' / 'Отчетный период: октябрь 2026 года'."""
    return (
        f"Есепті кезең: {period.year} жылғы {MONTHS_KK[period.month - 1]}",
        f"Отчетный период: {MONTHS_RU[period.month - 1]} {period.year} года",
    )


class PeriodError(ValueError):
    """A reporting month that is malformed or out of range."""


FIRST_PERIOD = date(2000, 1, 1)


LAST_PERIOD_YEAR = 2099


def parse_period(value: str) -> date:
    """'YYYY-MM' -> the first day of that month; PeriodError when malformed."""
    text = (value or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        raise PeriodError(gettext("The period must look like YYYY-MM, e.g. 2026-10."))
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise PeriodError(gettext("The month of the period must be from 01 to 12."))
    if year < FIRST_PERIOD.year:
        raise PeriodError(gettext("The period must not be earlier than 2000-01."))
    if year > LAST_PERIOD_YEAR:
        # The month after the period must exist too (navigation, due date).
        raise PeriodError(
            gettext("The period must not be later than %(year)d-12.") % {"year": LAST_PERIOD_YEAR}
        )
    return date(year, month, 1)


def previous_month(today: date) -> date:
    return shift_month(today, -1)
