"""Reads for the monthly forms: the figures (aggregate SQL), drill-down, versions, dashboard.

The figures of a form are computed with one ``GROUP BY region`` query per
source table: every column and check measure of that table is a filtered
aggregate of the same query (``COUNT(*) FILTER (WHERE …)``), and an MD5 over
the records read makes the inputs fingerprint in the same pass. No record is
looped over in Python; Python only lays out the 20 region rows and the total.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import MD5, Cast, Coalesce, TruncMonth

from core.models import Organisation, Region

try:  # Django 6: a generic aggregate whose delimiter is an expression.
    from django.db.models import StringAgg

    def _string_agg(expression, delimiter: str, **extra):
        return StringAgg(expression, Value(delimiter), **extra)

except ImportError:  # Django 5.2 (Python 3.11): the PostgreSQL one takes a plain string.
    from django.contrib.postgres.aggregates import StringAgg

    def _string_agg(expression, delimiter: str, **extra):
        return StringAgg(expression, delimiter, **extra)


from inspection.models import VictimOutcome

from .definitions import FORMS, RULES_REVISION, TOTAL, CountingRule, FormDefinition, Source
from .models import FormCode, FormVersion, ReportHeader, VersionStatus
from .periods import month_bounds, shift_month

THOUSAND = Decimal(1000)
ONE_DECIMAL = Decimal("0.1")


def thousands_half_up(amount: Decimal) -> str:
    """Tenge to thousand tenge, one decimal, rounded half-up (INTERFACES.md § Reports)."""
    return str((Decimal(amount) / THOUSAND).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def region_expression(source: Source):
    paths = [F(p) for p in source.region_paths]
    if len(paths) == 1:
        return paths[0]
    return Coalesce(*paths, output_field=CharField())


class _ConcatWs(Func):
    function = "CONCAT_WS"
    output_field = TextField()


def _record_text(source: Source):
    """One record as text for the fingerprint: id, region and every field a rule reads."""
    parts = [
        Cast("pk", TextField()),
        Coalesce(Cast(region_expression(source), TextField()), Value("~")),
    ]
    parts += [Coalesce(Cast(name, TextField()), Value("~")) for name in source.fingerprint_fields]
    return _ConcatWs(Value("|"), *parts)


def rule_queryset(rule: CountingRule, period: date, region_code: str | None = None) -> QuerySet:
    """The records a rule counts for the month (and region): the drill-down of a cell."""
    qs = rule.source.model.objects.filter(rule.records_q(period))
    if region_code is not None:
        qs = qs.annotate(region_match=region_expression(rule.source)).filter(
            region_match=region_code
        )
    return qs


def cell_records(*, rule: CountingRule, period: date, region_code: str | None) -> QuerySet:
    """The records behind one cell, with the ids of their inspection or accident."""
    source = rule.source
    refs = {}
    if source.inspection_path:
        refs["inspection_ref"] = F(source.inspection_path)
    if source.accident_path:
        refs["accident_ref"] = F(source.accident_path)
    return (
        rule_queryset(rule, period, region_code)
        .annotate(region_ref=region_expression(source), **refs)
        .order_by("pk")
    )


def cell_value(*, rule: CountingRule, records: QuerySet):
    """The figure of a cell recomputed from its records (count, or the sum of a field)."""
    if rule.sum_of:
        return records.order_by().aggregate(v=Sum(rule.sum_of))["v"] or 0
    return records.order_by().count()


@dataclass
class SourceFigures:
    by_region: dict[str, dict[str, object]]  # region code -> {figure name: value}
    fingerprints: dict[str, list]  # region code -> [records read, md5]


def _aggregate_source(
    source: Source, rules: dict[str, CountingRule], period: date
) -> SourceFigures:
    """One aggregate query for every figure of ``rules`` (all of ``source``)."""
    conditions = {name: rule.records_q(period) for name, rule in rules.items()}
    any_condition = Q()
    for q in conditions.values():
        any_condition |= q
    aggregates = {}
    for name, rule in rules.items():
        if rule.sum_of:
            aggregates[f"f_{name}"] = Sum(rule.sum_of, filter=conditions[name])
        else:
            aggregates[f"f_{name}"] = Count("pk", filter=conditions[name])
    rows = (
        source.model.objects.order_by()
        .filter(any_condition)
        .values(region_code=region_expression(source))
        .annotate(
            **aggregates,
            n_read=Count("pk"),
            fp=MD5(_string_agg(_record_text(source), ",", order_by="pk")),
        )
    )
    by_region: dict[str, dict[str, object]] = {}
    fingerprints: dict[str, list] = {}
    for row in rows:
        code = row["region_code"]
        by_region[code] = {name: row[f"f_{name}"] or 0 for name in rules}
        fingerprints[code] = [row["n_read"], row["fp"]]
    return SourceFigures(by_region, fingerprints)


@dataclass
class ComputedForm:
    form: str
    period: date
    rows: list[dict]
    total: dict
    measures: dict[str, dict[str, object]]  # measure -> {region code | "total": value}
    inputs: dict  # what the fingerprint hashes, per source and region

    def fingerprint(self, header: dict) -> str:
        payload = {
            "rules": RULES_REVISION,
            "form": self.form,
            "period": self.period.isoformat(),
            "inputs": self.inputs,
            # The signing date changes daily; it is not an input.
            "header": {k: v for k, v in header.items() if k != "date"},
        }
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(data).hexdigest()


def regions_in_order() -> list[Region]:
    return list(Region.objects.order_by("kato"))


def form_compute(*, form: str, period: date) -> ComputedForm:
    """Every figure of a form for the month, by the counting rules of ``definitions``."""
    definition: FormDefinition = FORMS[form]
    period = period.replace(day=1)
    named: dict[str, CountingRule] = {c.number: c.rule for c in definition.columns}
    named.update({f"m:{k}": r for k, r in definition.measures.items()})

    figures: dict[str, dict[str, object]] = {}  # region -> name -> value
    inputs: dict[str, dict] = {}
    for source in definition.sources():
        rules = {n: r for n, r in named.items() if r.source.key == source.key}
        result = _aggregate_source(source, rules, period)
        for code, values in result.by_region.items():
            figures.setdefault(code, {}).update(values)
        inputs[source.key] = result.fingerprints

    regions = regions_in_order()
    rows = []
    totals: dict[str, object] = {
        c.number: Decimal(0) if c.thousands else 0 for c in definition.columns
    }
    for region in regions:
        raw = figures.get(region.code, {})
        values: dict[str, object] = {}
        for column in definition.columns:
            value = raw.get(column.number, 0)
            if column.thousands:
                totals[column.number] += Decimal(value)
                values[column.number] = thousands_half_up(value)
            else:
                totals[column.number] += int(value)
                values[column.number] = int(value)
        rows.append(
            {
                "kato": region.kato,
                "region_kk": region.name_kk,
                "region_ru": region.name_ru,
                "values": values,
            }
        )
    total_values = {
        c.number: thousands_half_up(totals[c.number]) if c.thousands else totals[c.number]
        for c in definition.columns
    }

    measures: dict[str, dict[str, object]] = {}
    for key in definition.measures:
        per_region = {
            region.kato: int(figures.get(region.code, {}).get(f"m:{key}", 0)) for region in regions
        }
        per_region[TOTAL] = sum(per_region.values())
        measures[key] = per_region
    return ComputedForm(
        form=form,
        period=period,
        rows=rows,
        total={"values": total_values},
        measures=measures,
        inputs=inputs,
    )


def version_is_stale(version: FormVersion) -> bool:
    """Whether the records read by a version have changed since it was generated."""
    computed = form_compute(form=version.form, period=version.period)
    return computed.fingerprint(report_header(on=version.period)) != version.fingerprint


# --- Header --------------------------------------------------------------------


def report_header(*, on: date) -> dict:
    """The header of seed 003: organisation, executor, head and the date."""
    config = ReportHeader.objects.select_related("organisation").filter(pk=1).first()
    organisation = config.organisation if config and config.organisation_id else None
    if organisation is None:
        organisation = (
            Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).order_by("pk").first()
        )
    return {
        "bin": organisation.bin if organisation else "",
        "name": organisation.name if organisation else "",
        "address": organisation.address if organisation else "",
        "phone": organisation.phone if organisation else "",
        "email": organisation.email if organisation else "",
        "executor": config.executor if config else "",
        "head": config.head if config else "",
        "date": on.isoformat(),
    }


# --- Versions --------------------------------------------------------------------


def versions_of(*, form: str, period: date) -> QuerySet[FormVersion]:
    return (
        FormVersion.objects.filter(form=form, period=period)
        .select_related("generated_by", "finalised_by", "corrects", "superseded_by")
        .order_by("-number")
    )


def current_final(*, form: str, period: date) -> FormVersion | None:
    return (
        FormVersion.objects.filter(
            form=form, period=period, status=VersionStatus.FINAL, superseded_by__isnull=True
        )
        .select_related("generated_by", "finalised_by", "corrects", "superseded_by")
        .first()
    )


def version_to_show(*, form: str, period: date, number: int | None = None) -> FormVersion | None:
    """The final version if one exists, else the latest draft; or version ``number``."""
    if number is not None:
        return versions_of(form=form, period=period).filter(number=number).first()
    return current_final(form=form, period=period) or versions_of(form=form, period=period).first()


def latest_versions(*, since: date) -> dict[tuple[str, date], FormVersion]:
    """For the index page: the version shown for each form and month since ``since``."""
    shown: dict[tuple[str, date], FormVersion] = {}
    for version in FormVersion.objects.filter(period__gte=since).order_by("number"):
        key = (version.form, version.period)
        current = shown.get(key)
        if current is not None and current.is_current_final:
            continue
        shown[key] = version
    return shown


# --- Dashboard --------------------------------------------------------------------


# The dashboard's figures are columns of the forms: the same records, dates and regions.
DASHBOARD_FIGURES = {
    "accidents": (FormCode.OZH, "2"),  # accidents by the date they occurred
    "victims": (FormCode.OZH, "4"),  # victims by the date of their accident
    "inspections": (FormCode.MEIZHM, "2"),  # inspections completed
    "fines": (FormCode.MEIZHM, "9"),  # fines imposed, and their sum
}


def _dashboard_rule(name: str) -> CountingRule:
    form, number = DASHBOARD_FIGURES[name]
    return FORMS[form].column(number).rule


def _figure_rows(
    rule: CountingRule, start: date, end: date, region_code: str | None, **group
) -> QuerySet:
    """Count (and sum) of the rule's records from ``start`` to ``end``, grouped by ``group``."""
    records = rule.source.model.objects.order_by().filter(rule.dated_q(start, end))
    if region_code:
        records = records.alias(region_ref=region_expression(rule.source)).filter(
            region_ref=region_code
        )
    sums = {"s": Sum(rule.sum_of)} if rule.sum_of else {}
    return records.values(**group).annotate(n=Count("pk"), **sums)


def dashboard_data(*, until: date, months: int = 12, region_code: str | None = None) -> dict:
    """Last ``months`` months up to ``until``: accidents, victims by outcome, inspections, fines.

    Monthly series (optionally of one region) and totals by region, each from one
    aggregate query, counted by the same rules as the forms' columns.
    """
    end = month_bounds(until)[1]
    start = shift_month(until, 1 - months)
    labels = [shift_month(start, i).strftime("%Y-%m") for i in range(months)]
    index = {label: i for i, label in enumerate(labels)}
    rules = {name: _dashboard_rule(name) for name in DASHBOARD_FIGURES}

    def series() -> list:
        return [0] * len(labels)

    def monthly_rows(name: str, *group: str):
        rule = rules[name]
        rows = _figure_rows(rule, start, end, region_code, m=TruncMonth(rule.date_field))
        for row in rows.values(*group, "m", "n", *(["s"] if rule.sum_of else [])):
            yield index[row["m"].strftime("%Y-%m")], row

    def regional_rows(name: str, *group: str):
        rule = rules[name]
        rows = _figure_rows(rule, start, end, None, region_key=region_expression(rule.source))
        return rows.values(*group, "region_key", "n", *(["s"] if rule.sum_of else []))

    monthly = {
        "accidents": series(),
        "inspections": series(),
        "fines_count": series(),
        "fines_thousand_kzt": [0.0] * len(labels),
        "victims": {outcome: series() for outcome in VictimOutcome.values},
    }
    for name in ("accidents", "inspections"):
        for i, row in monthly_rows(name):
            monthly[name][i] = row["n"]
    for i, row in monthly_rows("victims", "outcome"):
        monthly["victims"][row["outcome"]][i] = row["n"]
    for i, row in monthly_rows("fines"):
        monthly["fines_count"][i] = row["n"]
        monthly["fines_thousand_kzt"][i] = float(thousands_half_up(row["s"] or 0))

    by_region: dict[str, dict] = {
        r.code: {
            "code": r.code,
            "kato": r.kato,
            "name": r.name,
            "accidents": 0,
            "victims": dict.fromkeys(VictimOutcome.values, 0),
            "inspections": 0,
            "fines_count": 0,
            "fines_thousand_kzt": "0.0",
        }
        for r in regions_in_order()
    }
    for name in ("accidents", "inspections"):
        for row in regional_rows(name):
            by_region[row["region_key"]][name] = row["n"]
    for row in regional_rows("victims", "outcome"):
        by_region[row["region_key"]]["victims"][row["outcome"]] = row["n"]
    for row in regional_rows("fines"):
        by_region[row["region_key"]]["fines_count"] = row["n"]
        by_region[row["region_key"]]["fines_thousand_kzt"] = thousands_half_up(row["s"] or 0)
    return {
        "labels": labels,
        "monthly": monthly,
        "regions": list(by_region.values()),
        "outcomes": VictimOutcome.values,
    }
