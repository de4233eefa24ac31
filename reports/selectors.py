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


from inspection.models import Accident, Fine, Inspection, Victim, VictimOutcome

from .definitions import (
    FORMS,
    RULES_REVISION,
    TOTAL,
    FormDefinition,
    Rule,
    Source,
    month_bounds,
    shift_month,
)
from .models import FormVersion, ReportHeader, VersionStatus

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


def rule_queryset(rule: Rule, period: date, region_code: str | None = None) -> QuerySet:
    """The records a rule counts for the month (and region): the drill-down of a cell."""
    qs = rule.source.model.objects.filter(rule.records_q(period))
    if region_code is not None:
        qs = qs.annotate(region_match=region_expression(rule.source)).filter(
            region_match=region_code
        )
    return qs


def cell_records(*, rule: Rule, period: date, region_code: str | None) -> QuerySet:
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


def cell_value(*, rule: Rule, records: QuerySet):
    """The figure of a cell recomputed from its records (count, or the sum of a field)."""
    if rule.sum_of:
        return records.order_by().aggregate(v=Sum(rule.sum_of))["v"] or 0
    return records.order_by().count()


@dataclass
class SourceFigures:
    by_region: dict[str, dict[str, object]]  # region code -> {figure name: value}
    fingerprints: dict[str, list]  # region code -> [records read, md5]


def _aggregate_source(source: Source, rules: dict[str, Rule], period: date) -> SourceFigures:
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
    named: dict[str, Rule] = {c.number: c.rule for c in definition.columns}
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


def dashboard_data(*, until: date, months: int = 12, region_code: str | None = None) -> dict:
    """Last ``months`` months up to ``until``: accidents, victims by outcome, inspections, fines.

    Monthly series (optionally of one region) and totals by region, each from
    one aggregate query.
    """
    end = month_bounds(until)[1]
    start = shift_month(until, 1 - months)
    labels = [shift_month(start, i).strftime("%Y-%m") for i in range(months)]
    index = {label: i for i, label in enumerate(labels)}

    def series() -> list:
        return [0] * len(labels)

    accidents = Accident.objects.order_by().filter(occurred_on__gte=start, occurred_on__lt=end)
    victims = Victim.objects.order_by().filter(
        accident__occurred_on__gte=start, accident__occurred_on__lt=end
    )
    inspections = Inspection.objects.order_by().filter(
        completed_on__gte=start, completed_on__lt=end
    )
    fines = Fine.objects.order_by().filter(imposed_on__gte=start, imposed_on__lt=end)
    if region_code:
        accidents = accidents.filter(region_id=region_code)
        victims = victims.filter(accident__region_id=region_code)
        inspections = inspections.filter(region_id=region_code)
        fines = fines.filter(inspection__region_id=region_code)

    monthly = {
        "accidents": series(),
        "inspections": series(),
        "fines_count": series(),
        "fines_thousand_kzt": [0.0] * len(labels),
        "victims": {outcome: series() for outcome in VictimOutcome.values},
    }
    for row in accidents.values(m=TruncMonth("occurred_on")).annotate(n=Count("pk")):
        monthly["accidents"][index[row["m"].strftime("%Y-%m")]] = row["n"]
    for row in victims.values("outcome", m=TruncMonth("accident__occurred_on")).annotate(
        n=Count("pk")
    ):
        monthly["victims"][row["outcome"]][index[row["m"].strftime("%Y-%m")]] = row["n"]
    for row in inspections.values(m=TruncMonth("completed_on")).annotate(n=Count("pk")):
        monthly["inspections"][index[row["m"].strftime("%Y-%m")]] = row["n"]
    for row in fines.values(m=TruncMonth("imposed_on")).annotate(
        n=Count("pk"), s=Sum("amount_kzt")
    ):
        i = index[row["m"].strftime("%Y-%m")]
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
    for row in accidents.values("region_id").annotate(n=Count("pk")):
        by_region[row["region_id"]]["accidents"] = row["n"]
    for row in victims.values("outcome", region=F("accident__region_id")).annotate(n=Count("pk")):
        by_region[row["region"]]["victims"][row["outcome"]] = row["n"]
    for row in inspections.values("region_id").annotate(n=Count("pk")):
        by_region[row["region_id"]]["inspections"] = row["n"]
    for row in fines.values(region=F("inspection__region_id")).annotate(
        n=Count("pk"), s=Sum("amount_kzt")
    ):
        by_region[row["region"]]["fines_count"] = row["n"]
        by_region[row["region"]]["fines_thousand_kzt"] = thousands_half_up(row["s"] or 0)
    return {
        "labels": labels,
        "monthly": monthly,
        "regions": list(by_region.values()),
        "outcomes": VictimOutcome.values,
    }
