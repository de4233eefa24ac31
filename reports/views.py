"""Pages of the monthly forms: index, form of a month, drill-down of a cell, dashboard.

Scope as in the API: an inspector sees only their region's row (no republic
total, no drill-down of the total); chief inspectors, operations and admins
see every row. Generating needs ``reports.add_formversion``, finalising
``reports.finalise_formversion``.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Region, Role
from core.places import place_names, region_place_code, with_place_name
from core.roles import has_role, user_region_code

from .checks import check_expressions, check_titles
from .definitions import FORMS, TOTAL, UnknownForm, form_and_period
from .models import FormVersion, VersionSource
from .periods import PeriodError, due_on, month_bounds, parse_period, shift_month
from .selectors import (
    cell_records,
    cell_value,
    current_final,
    dashboard_data,
    latest_versions,
    thousands_half_up,
    version_is_stale,
    version_to_show,
    versions_of,
)
from .services import FormVersionConflict, form_finalise, form_generate

DRILL_DOWN_PAGE_SIZE = 200


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("reports.view_formversion"):
        raise PermissionDenied


def _form_and_period(form: str, period: str) -> tuple[str, date]:
    try:
        return form_and_period(form, period)
    except UnknownForm as exc:
        raise Http404(_("Unknown form.")) from exc
    except PeriodError as exc:
        raise Http404(str(exc)) from exc


def _language() -> str:
    return (get_language() or "kk")[:2]


def _reverse_or_none(name: str, pk) -> str | None:
    if pk is None:
        return None
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def form_index(request: HttpRequest) -> HttpResponse:
    """Pick a form and a month; the last twelve months with the status of each form."""
    _require_view(request)
    this_month = timezone.localdate().replace(day=1)
    form = request.GET.get("form")
    month = request.GET.get("month")
    if form and month:
        try:
            period = parse_period(month)
        except PeriodError as exc:
            messages.error(request, str(exc))
        else:
            if form in FORMS:
                return redirect("reports:form-detail", form=form, period=period.strftime("%Y-%m"))
            messages.error(request, _("Unknown form."))
    months = [shift_month(this_month, -i) for i in range(12)]
    shown = latest_versions(since=months[-1])
    lang = _language()
    table = [
        {
            "period": m.strftime("%Y-%m"),
            "forms": [{"code": code, "version": shown.get((code, m))} for code in FORMS],
        }
        for m in months
    ]
    return render(
        request,
        "reports/index.html",
        {
            "forms": [(code, d.index, d.title(lang)) for code, d in FORMS.items()],
            "table": table,
            "default_month": shift_month(this_month, -1).strftime("%Y-%m"),
        },
    )


def _table(version: FormVersion, *, region_kato: str | None, lang: str) -> dict:
    definition = FORMS[version.form]
    changed = {}
    if version.diff:
        changed = {(c["row"], c["column"]): c["old"] for c in version.diff["cells"]}
    failed_rows = {
        r["row"] for check in version.checks for r in check["results"] if not r["passed"]
    }
    period = version.period_label

    def cells(key: str, values: dict) -> list[dict]:
        out = []
        for column in definition.columns:
            out.append(
                {
                    "column": column.number,
                    "value": values[column.number],
                    "changed": (key, column.number) in changed,
                    "old": changed.get((key, column.number)),
                    "url": reverse(
                        "reports:cell",
                        args=[version.form, period, key, column.number],
                    )
                    + f"?version={version.number}",
                }
            )
        return out

    rows = [
        {
            "key": row["kato"],
            "name": row["region_kk"] if lang == "kk" else row["region_ru"],
            "cells": cells(row["kato"], row["values"]),
            "failed": row["kato"] in failed_rows,
        }
        for row in version.rows
        if region_kato is None or row["kato"] == region_kato
    ]
    total = None
    if region_kato is None:
        total = {
            "key": TOTAL,
            "cells": cells(TOTAL, version.total["values"]),
            "failed": TOTAL in failed_rows,
        }
    return {"rows": rows, "total": total}


def _checks(version: FormVersion, *, region_kato: str | None) -> list[dict]:
    titles = check_titles()
    expressions = check_expressions()
    names = {row["kato"]: f"{row['region_kk']} / {row['region_ru']}" for row in version.rows}
    names[TOTAL] = _("Total for the republic")
    out = []
    for check in version.checks:
        results = [
            {**r, "name": names.get(r["row"], r["row"])}
            for r in check["results"]
            if region_kato is None or r["row"] == region_kato
        ]
        expression = expressions.get(check["code"], check["expression"])
        sides = re.split(r"\s[≤≥=]\s", expression, maxsplit=1)
        out.append(
            {
                "code": check["code"],
                "expression": expression,
                # The two sides in words: "columns 3 + 4" and "column 2".
                "left_text": sides[0],
                "right_text": sides[-1],
                "title": titles.get(check["code"], check["code"]),
                "passed": all(r["passed"] for r in results),
                "failed": [r for r in results if not r["passed"]],
            }
        )
    return out


def _region_kato(user) -> str | None:
    code = user_region_code(user)
    if code is None:
        return None
    return Region.objects.filter(code=code).values_list("kato", flat=True).first() or "-"


def _finalise_blocker(version: FormVersion) -> str | None:
    """Why this version cannot be finalised, or None when it can."""
    if version.is_final:
        return _("This version is final.")
    final = versions_of(form=version.form, period=version.period).filter(
        status="final", superseded_by__isnull=True
    )
    current = final.first()
    if current is not None and version.corrects_id != current.pk:
        return _(
            "Version %(number)s is final for this month; only a correction of it can be finalised."
        ) % {"number": current.number}
    return None


def _deadline(*, form: str, month: date) -> dict:
    """A month without a final version after its due date is overdue."""
    due = due_on(month)
    overdue = timezone.localdate() > due and current_final(form=form, period=month) is None
    return {"due_on": due, "overdue": overdue}


@login_required
@require_GET
def form_detail(request: HttpRequest, form: str, period: str) -> HttpResponse:
    """The form of a month: a version with its checks, history, downloads and actions."""
    _require_view(request)
    form, month = _form_and_period(form, period)
    number = request.GET.get("version")
    n = int(number) if number and number.isdigit() and 0 < int(number) < 2**31 else None
    if number and n is None:
        raise Http404(_("No such version."))
    version = version_to_show(form=form, period=month, number=n)
    if n is not None and version is None:
        raise Http404(_("No such version."))
    region_kato = _region_kato(request.user)
    lang = _language()
    definition = FORMS[form]
    period_label = month.strftime("%Y-%m")
    context = {
        "definition": definition,
        "form": form,
        "form_title": definition.title(lang),
        "columns": [(c.number, c.title(lang)) for c in definition.columns],
        "period": period_label,
        "previous_period": shift_month(month, -1).strftime("%Y-%m"),
        "next_period": shift_month(month, 1).strftime("%Y-%m"),
        "version": version,
        "versions": versions_of(form=form, period=month),
        "can_generate": request.user.has_perm("reports.add_formversion")
        and month <= timezone.localdate(),
        "can_finalise": request.user.has_perm("reports.finalise_formversion"),
        "region_only": region_kato is not None,
        **_deadline(form=form, month=month),
    }
    if version is not None:
        context.update(
            {
                "table": _table(version, region_kato=region_kato, lang=lang),
                "checks": _checks(version, region_kato=region_kato),
                "finalise_blocker": _finalise_blocker(version),
                "stale": not version.is_final and version_is_stale(version),
                "xlsx_url": reverse(
                    "reports_api:version-xlsx", args=[form, period_label, version.number]
                ),
                "pdf_url": reverse(
                    "reports_api:version-pdf", args=[form, period_label, version.number]
                ),
                "api_url": reverse(
                    "reports_api:version", args=[form, period_label, version.number]
                ),
            }
        )
    return render(request, "reports/form_detail.html", context)


@login_required
@require_POST
def form_generate_view(request: HttpRequest, form: str, period: str) -> HttpResponse:
    _require_view(request)
    if not request.user.has_perm("reports.add_formversion"):
        raise PermissionDenied
    form, month = _form_and_period(form, period)
    try:
        version = form_generate(
            form=form, period=month, acting_user=request.user, source=VersionSource.PAGE
        ).version
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:form-detail", form=form, period=period)
    messages.success(
        request, _("Version %(number)s has been generated.") % {"number": version.number}
    )
    url = reverse("reports:form-detail", args=[form, version.period_label])
    return redirect(f"{url}?version={version.number}")


@login_required
@require_http_methods(["GET", "POST"])
def form_finalise_view(request: HttpRequest, form: str, period: str, number: int) -> HttpResponse:
    """Confirmation page (GET) and the finalisation itself (POST)."""
    _require_view(request)
    if not request.user.has_perm("reports.finalise_formversion"):
        raise PermissionDenied
    form, month = _form_and_period(form, period)
    version = version_to_show(form=form, period=month, number=number)
    if version is None:
        raise Http404(_("No such version."))
    detail_url = reverse("reports:form-detail", args=[form, version.period_label])
    if request.method == "POST":
        try:
            form_finalise(version=version, acting_user=request.user)
        except FormVersionConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Version %(number)s is final.") % {"number": version.number}
            )
        return redirect(f"{detail_url}?version={version.number}")
    return render(
        request,
        "reports/finalise_confirm.html",
        {
            "version": version,
            "definition": FORMS[form],
            "form_title": FORMS[form].title(_language()),
            "checks": _checks(version, region_kato=None),
            "blocker": _finalise_blocker(version),
            "stale": not version.is_final and version_is_stale(version),
            "detail_url": f"{detail_url}?version={version.number}",
        },
    )


def _path_label(model, path: str) -> str:
    """'accident__occurred_on' -> 'accident: occurred on' (verbose names)."""
    labels = []
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.is_relation:
            model = field.related_model
            labels.append(str(model._meta.verbose_name))
        else:
            labels.append(str(field.verbose_name))
    return ": ".join(labels)


def _record_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not f.is_relation
        and f.name not in {"created_at", "updated_at", "description", "full_name", "iin"}
        and not f.name.startswith("subject_")
    ]


def _record_value(record, field, names: dict[str, str]):
    """A drill-down cell: a choice's label, a КАТО code with its place's name."""
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    value = getattr(record, field.attname)
    if field.name.endswith("kato") and value:
        return with_place_name(value, names)
    return value


@login_required
@require_GET
def cell_view(request: HttpRequest, form: str, period: str, row: str, column: str) -> HttpResponse:
    """The records a cell counts, selected by the same rule that computed it."""
    _require_view(request)
    form, month = _form_and_period(form, period)
    definition = FORMS[form]
    col = definition.column(column)
    if col is None:
        raise Http404(_("No such column."))
    region_kato = _region_kato(request.user)
    if row == TOTAL:
        if region_kato is not None:
            raise PermissionDenied
        region = None
    else:
        region = Region.objects.filter(kato=row).first()
        if region is None:
            raise Http404(_("No such region."))
        if region_kato is not None and region.kato != region_kato:
            raise PermissionDenied
    rule = col.rule
    records = cell_records(rule=rule, period=month, region_code=region.code if region else None)
    live = cell_value(rule=rule, records=records)
    if col.thousands:
        live = thousands_half_up(live)

    stored = None
    number = request.GET.get("version")
    version = None
    if number and number.isdigit() and 0 < int(number) < 2**31:
        version = version_to_show(form=form, period=month, number=int(number))
    if version is not None:
        values = (
            version.total["values"]
            if region is None
            else next((r["values"] for r in version.rows if r["kato"] == row), {})
        )
        stored = values.get(column)

    fields = _record_fields(rule.source.model)
    page = Paginator(records, DRILL_DOWN_PAGE_SIZE).get_page(request.GET.get("page"))
    # The region and the КАТО code of every record on the page: named in one query.
    names = place_names(
        [region_place_code(r.region_ref) for r in page.object_list]
        + [getattr(r, "kato", None) for r in page.object_list]
    )
    items = []
    for record in page.object_list:
        inspection_ref = getattr(record, "inspection_ref", None)
        accident_ref = getattr(record, "accident_ref", None)
        items.append(
            {
                "pk": record.pk,
                "region": names.get(region_place_code(record.region_ref), record.region_ref),
                "values": [_record_value(record, f, names) for f in fields],
                "inspection_ref": inspection_ref,
                "inspection_url": _reverse_or_none("inspection:inspection-detail", inspection_ref),
                "accident_ref": accident_ref,
                "accident_url": _reverse_or_none("inspection:accident-detail", accident_ref),
            }
        )
    lang = _language()
    start, end = month_bounds(month)
    return render(
        request,
        "reports/cell.html",
        {
            "definition": definition,
            "form": form,
            "form_title": definition.title(lang),
            "period": month.strftime("%Y-%m"),
            "column": col,
            "column_title": col.title(lang),
            "region": region,
            "row": row,
            "rule": rule,
            "date_field": _path_label(rule.source.model, rule.date_field),
            "start": start,
            "end": end,
            "model_name": rule.source.model._meta.verbose_name_plural,
            "fields": [f.verbose_name for f in fields],
            "has_inspection": bool(rule.source.inspection_path),
            "has_accident": bool(rule.source.accident_path),
            "items": items,
            "page": page,
            "live": live,
            "stored": stored,
            "version": version,
            "differs": stored is not None and str(stored) != str(live),
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Chief inspectors: the last twelve months by region, as charts."""
    if not has_role(request.user, Role.CHIEF_INSPECTOR, Role.ADMIN):
        raise PermissionDenied
    region_code = request.GET.get("region") or None
    regions = list(Region.objects.order_by("kato"))
    if region_code and region_code not in {r.code for r in regions}:
        raise Http404(_("No such region."))
    until = timezone.localdate().replace(day=1)
    if request.GET.get("until"):
        try:
            until = parse_period(request.GET["until"])
        except PeriodError as exc:
            raise Http404(str(exc)) from exc
    data = dashboard_data(until=until, region_code=region_code)
    texts = {
        "accidents": _("Accidents"),
        "inspections": _("Inspections completed"),
        "fines_count": _("Fines imposed"),
        "fines_thousand_kzt": _("Fines, thousand tenge"),
        "victims": {
            "light": _("Light"),
            "moderate": _("Moderate"),
            "severe": _("Severe"),
            "fatal": _("Fatal"),
        },
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "texts": texts,
            "regions": regions,
            "region_code": region_code,
            "until": until.strftime("%Y-%m"),
        },
    )
