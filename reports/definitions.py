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

from inspection import models as records

from .models import FormCode
from .periods import month_bounds, parse_period

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


INSPECTIONS_SOURCE = Source(
    "inspections", records.Inspection, ("region",), ("kind", "completed_on"), inspection_path="pk"
)


def _of_inspection(key: str, model: type[models.Model], *fields: str) -> Source:
    """A record an inspection produced: its region and its link are the inspection's."""
    return Source(key, model, ("inspection__region",), fields, inspection_path="inspection_id")


VIOLATIONS_SOURCE = _of_inspection("violations", records.Violation, "detected_on", "eliminated_on")
ORDERS_SOURCE = _of_inspection("orders", records.InspectionOrder, "issued_on")
FINES_SOURCE = _of_inspection("fines", records.Fine, "imposed_on", "amount_kzt")
SUSPENSIONS_SOURCE = _of_inspection("suspensions", records.Suspension, "kind", "suspended_on")
REMOVALS_SOURCE = _of_inspection("removals", records.Removal, "removed_on", "workers")
INVESTIGATIONS_SOURCE = Source(
    "investigations",
    records.Investigation,
    ("region",),
    ("by_state_inspector", "completed_on"),
    accident_path="accident_id",
)
REFERRALS_SOURCE = Source(
    "referrals",
    records.Referral,
    ("inspection__region", "investigation__region"),
    ("sent_on", "inspection_id", "investigation_id"),
    inspection_path="inspection_id",
    accident_path="investigation__accident_id",
)
CRIMINAL_CASES_SOURCE = Source(
    "criminal_cases",
    records.CriminalCase,
    ("inspection__region", "investigation__region"),
    ("opened_on", "persons_prosecuted", "prosecuted_on", "inspection_id", "investigation_id"),
    inspection_path="inspection_id",
    accident_path="investigation__accident_id",
)
ACCIDENTS_SOURCE = Source(
    "accidents", records.Accident, ("region",), ("occurred_on",), accident_path="pk"
)
VICTIMS_SOURCE = Source(
    "victims",
    records.Victim,
    ("accident__region",),
    ("outcome", "accident_id"),
    accident_path="accident_id",
)


# --- Rules -------------------------------------------------------------------

MONTH = "month"  # the date is in the reporting month
BEFORE = "before"  # the date is before the reporting month
YEAR_TO_DATE = "ytd"  # the date is from 1 January to the end of the reporting month
SPANS = (MONTH, BEFORE, YEAR_TO_DATE)


@dataclass(frozen=True)
class CountingRule:
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
        """The records the rule counts for the month of ``period``."""
        start, end = month_bounds(period)
        if self.span not in SPANS:  # pragma: no cover - a definition error
            raise ValueError(self.span)
        first = {MONTH: start, BEFORE: None, YEAR_TO_DATE: date(start.year, 1, 1)}[self.span]
        extra = self.where(start, end) if callable(self.where) else self.where
        return self.dated_q(first, start if self.span == BEFORE else end) & extra

    def dated_q(self, first: date | None, end: date) -> Q:
        """Records whose date is in [first, end) (no lower bound without ``first``)."""
        q = Q(**{f"{self.date_field}__lt": end})
        if first is not None:
            q &= Q(**{f"{self.date_field}__gte": first})
        return q


def _group_accident_ids():
    """Accidents with two or more victims: group accidents (DOMAIN.md glossary)."""
    return (
        records.Victim.objects.order_by()
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
class FormColumn:
    number: str
    title_kk: str
    title_ru: str
    title_en: str
    rule: CountingRule
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
    columns: tuple[FormColumn, ...]
    # Figures that are not columns but feed the consistency checks.
    measures: dict[str, CountingRule]
    # Column header groups: (first column, last column, kk, ru, en) under "of which".
    groups: tuple[tuple[str, str, str, str, str], ...] = ()

    def title(self, language: str | None) -> str:
        lang = (language or "kk")[:2]
        return {"kk": self.title_kk, "ru": self.title_ru}.get(lang, self.title_en)

    @property
    def column_numbers(self) -> list[str]:
        return [c.number for c in self.columns]

    def column(self, number: str) -> FormColumn | None:
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
        FormColumn(
            "2",
            "Жеке және заңды тұлғаларға қатысты жүргізілген тексерулер саны",
            "Количество проведенных проверок в отношении физических и юридических лиц",
            "Inspections of individuals and legal entities",
            CountingRule(INSPECTIONS_SOURCE, "completed_on"),
        ),
        FormColumn(
            "3",
            "оның ішінде профилактикалық бақылау",
            "в том числе профилактический контроль",
            "of which preventive control",
            CountingRule(
                INSPECTIONS_SOURCE,
                "completed_on",
                Q(kind=records.InspectionKind.PREVENTIVE_CONTROL),
            ),
        ),
        FormColumn(
            "4",
            "оның ішінде жоспардан тыс тексерулер",
            "в том числе внеплановые проверки",
            "of which unscheduled inspections",
            CountingRule(
                INSPECTIONS_SOURCE, "completed_on", Q(kind=records.InspectionKind.UNSCHEDULED)
            ),
        ),
        FormColumn(
            "5",
            "Анықталған бұзушылықтар саны",
            "Количество выявленных нарушений",
            "Violations detected",
            CountingRule(VIOLATIONS_SOURCE, "detected_on"),
        ),
        FormColumn(
            "6",
            "Жойылған бұзушылықтар саны",
            "Количество устраненных нарушений",
            "Violations eliminated",
            CountingRule(VIOLATIONS_SOURCE, "eliminated_on"),
        ),
        FormColumn(
            "7",
            "Берілген нұсқамалар саны",
            "Количество выданных предписаний",
            "Orders issued",
            CountingRule(ORDERS_SOURCE, "issued_on"),
        ),
        FormColumn(
            "8",
            "Салынған әкімшілік айыппұлдар саны",
            "Количество наложенных административных штрафов",
            "Administrative fines imposed",
            CountingRule(FINES_SOURCE, "imposed_on"),
        ),
        FormColumn(
            "9",
            "Әкімшілік айыппұлдардың сомасы (мың теңге)",
            "Сумма административных штрафов (тыс. тенге)",
            "Amount of administrative fines (thousand tenge)",
            CountingRule(FINES_SOURCE, "imposed_on", sum_of="amount_kzt"),
            thousands=True,
        ),
        FormColumn(
            "10",
            "Жұмыстың, оның ішінде станоктардың, жабдықтардың тоқтатылуы (тыйым салынуы)",
            "Приостановлено (запрещено) работ, в том числе станков, оборудования",
            "Work suspended (prohibited), incl. machine tools and equipment",
            CountingRule(
                SUSPENSIONS_SOURCE, "suspended_on", Q(kind=records.SuspensionKind.EQUIPMENT)
            ),
        ),
        FormColumn(
            "11",
            "Өндірістік объектілердің тоқтатылуы (тыйым салынуы)",
            "Приостановлено (запрещено) производственных объектов",
            "Production facilities suspended (prohibited)",
            CountingRule(
                SUSPENSIONS_SOURCE, "suspended_on", Q(kind=records.SuspensionKind.FACILITY)
            ),
        ),
        FormColumn(
            "12",
            "Ұйымдар қызметінің тоқтатылуы (тыйым салынуы)",
            "Приостановлена (запрещена) деятельность организаций",
            "Organisations' activity suspended (prohibited)",
            CountingRule(
                SUSPENSIONS_SOURCE, "suspended_on", Q(kind=records.SuspensionKind.ORGANISATION)
            ),
        ),
        FormColumn(
            "13",
            "Жұмыстан шеттетілген жұмыскерлер саны",
            "Количество отстраненных от работы работников",
            "Workers removed from work",
            CountingRule(REMOVALS_SOURCE, "removed_on", sum_of="workers"),
        ),
        FormColumn(
            "14",
            "Мемлекеттік еңбек инспекторлары жүргізген жазатайым оқиғаларды тергеп-тексеру "
            "саны (аяқталған)",
            "Количество расследований несчастных случаев, проведенных государственными "
            "инспекторами труда (завершенных)",
            "Accident investigations completed by state labour inspectors",
            CountingRule(INVESTIGATIONS_SOURCE, "completed_on", Q(by_state_inspector=True)),
        ),
        FormColumn(
            "15",
            "Құқық қорғау органдарына берілген материалдар саны",
            "Количество материалов, направленных в правоохранительные органы",
            "Materials sent to law enforcement",
            CountingRule(REFERRALS_SOURCE, "sent_on"),
        ),
        FormColumn(
            "16",
            "Қозғалған қылмыстық істер саны",
            "Количество возбужденных уголовных дел",
            "Criminal cases opened",
            CountingRule(CRIMINAL_CASES_SOURCE, "opened_on"),
        ),
        FormColumn(
            "17",
            "Жазатайым оқиғаны арнайы тергеп-тексеру материалдары бойынша қылмыстық "
            "жауаптылыққа тартылған адамдар саны",
            "Количество лиц, привлеченных к уголовной ответственности по материалам "
            "специального расследования несчастных случаев",
            "Persons brought to criminal liability on special-investigation materials",
            CountingRule(
                CRIMINAL_CASES_SOURCE,
                "prosecuted_on",
                Q(investigation__isnull=False),
                sum_of="persons_prosecuted",
            ),
        ),
    ),
    measures={
        # Violations detected before the month and still open at its start.
        "open_at_start": CountingRule(
            VIOLATIONS_SOURCE, "detected_on", _open_at_month_start, span=BEFORE
        ),
        # Accidents from 1 January to the end of the month (2-ӨЖ column 2, year to date).
        "accidents_ytd": CountingRule(ACCIDENTS_SOURCE, "occurred_on", span=YEAR_TO_DATE),
    },
)

OZH = FormDefinition(
    code=FormCode.OZH,
    index="2-ӨЖ",
    title_kk="Өндірістік жарақаттанудың жай-күйі туралы мәліметтер",
    title_ru="Сведения о состоянии производственного травматизма",
    title_en="State of occupational injuries",
    columns=(
        FormColumn(
            "2",
            "Барлығы жазатайым оқиғалар саны (бірлік)",
            "Всего несчастных случаев (единиц)",
            "Accidents, total (units)",
            CountingRule(ACCIDENTS_SOURCE, "occurred_on"),
        ),
        FormColumn(
            "3",
            "Оның ішінде топтық (бірлік)",
            "В том числе групповых (единиц)",
            "of which group accidents (units)",
            CountingRule(ACCIDENTS_SOURCE, "occurred_on", lambda start, end: group_accident_q()),
        ),
        FormColumn(
            "4",
            "Барлығы зардап шеккендер саны (адам)",
            "Всего пострадавших (человек)",
            "Victims, total (persons)",
            CountingRule(VICTIMS_SOURCE, "accident__occurred_on"),
        ),
        FormColumn(
            "5",
            "Топтық жазатайым оқиғаларда зардап шеккендердің саны (адам)",
            "Пострадавших в групповых несчастных случаях (человек)",
            "Victims of group accidents (persons)",
            CountingRule(
                VICTIMS_SOURCE,
                "accident__occurred_on",
                lambda start, end: group_accident_victim_q(),
            ),
        ),
        FormColumn(
            "6",
            "Жеңіл және орташа дәрежедегі зардап шеккендердің саны (адам)",
            "Пострадавших с легкой и средней степенью тяжести (человек)",
            "Victims with light and moderate injuries (persons)",
            CountingRule(
                VICTIMS_SOURCE,
                "accident__occurred_on",
                Q(outcome__in=[records.VictimOutcome.LIGHT, records.VictimOutcome.MODERATE]),
            ),
        ),
        FormColumn(
            "7",
            "Ауыр нәтижемен зардап шеккендер саны (адам)",
            "Пострадавших с тяжелым исходом (человек)",
            "Victims with severe outcome (persons)",
            CountingRule(
                VICTIMS_SOURCE, "accident__occurred_on", Q(outcome=records.VictimOutcome.SEVERE)
            ),
        ),
        FormColumn(
            "8",
            "Қаза тапқандар саны (адам)",
            "Погибших (человек)",
            "Fatalities (persons)",
            CountingRule(
                VICTIMS_SOURCE, "accident__occurred_on", Q(outcome=records.VictimOutcome.FATAL)
            ),
        ),
    ),
    measures={},
    groups=(("5", "8", "оның ішінде", "в том числе", "of which"),),
)

FORMS: dict[str, FormDefinition] = {MEIZHM.code: MEIZHM, OZH.code: OZH}


class UnknownForm(LookupError):
    """A form code that is not one of ``FORMS``."""


def form_and_period(form: str, period: str) -> tuple[str, date]:
    """A form code and a 'YYYY-MM' month as given in a URL: the code and the month's first
    day; ``UnknownForm`` or ``PeriodError`` otherwise."""
    if form not in FORMS:
        raise UnknownForm(form)
    return form, parse_period(period)
