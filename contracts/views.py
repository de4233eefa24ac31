"""Pages: inspectors' violators, case and coverage pages; the insurer's own contracts.

An inspector sees their own region (another region's case is 404); chief
inspectors and admins see all. Writes go through the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Organisation, Region, Role
from core.places import place_names
from core.roles import has_role, user_organisation

from . import exports, selectors
from .filters import CaseFilterSet
from .models import CaseState, Notice, OsnsContract
from .rules import contract_flags
from .services.cases import case_move, notice_issue, notices_issue_for_region

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000


def inspector_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not selectors.may_see_violators(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _filtered_cases(request: HttpRequest) -> CaseFilterSet:
    data = request.GET.copy()
    if not data.get("state") and "reset" not in data:
        data.setlist("state", [CaseState.OPEN, CaseState.NOTIFIED, CaseState.PREVENTIVE_CONTROL])
    filterset = CaseFilterSet(data, queryset=selectors.case_list(user=request.user))
    if selectors.region_scope(request.user) is not None:
        filterset.filters.pop("region", None)
    return filterset


@inspector_required
def violator_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered_cases(request)
    queryset = filterset.qs
    if not request.GET.get("sort"):
        queryset = queryset.order_by("-employees_on_date", "employer_bin")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        cases = queryset[:EXPORT_LIMIT]
        stamp = timezone.localdate().isoformat()
        if export == "csv":
            response = HttpResponse(
                exports.cases_csv(cases), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                exports.cases_xlsx(cases), content_type=exports.XLSX_CONTENT_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="violators_{stamp}.{export}"'
        return response
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/violator_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "objects": page.object_list,
            "region_scope": selectors.region_scope(request.user),
            "regions": Region.objects.order_by("kato"),
        },
    )


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first day of each of the last ``count`` months, then ``today``."""
    days, year, month = [], today.year, today.month
    for _i in range(count):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(days) + ([today] if today.day != 1 else [])


@inspector_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    today = timezone.localdate()
    days = _months_back(today, 12)
    series = selectors.employment_over_time(employer_bin=case.employer_bin, days=days)
    top = max([n for _d, n in series] + [1])
    chart = []
    for i, (day, n) in enumerate(series):
        height = round(110 * n / top)
        chart.append(
            {"day": day, "count": n, "height": height, "x": i * 40 + 6, "mid": i * 40 + 20,
             "y": 132 - height, "label_y": 128 - height}
        )  # fmt: skip
    contracts = list(selectors.case_contracts(case))
    flags = contract_flags(contracts)
    for contract in contracts:
        contract.flag_list = flags.get(contract.pk, [])
    judged_ids = set(case.evidence.get("osns_contracts", []))
    employer_kato = (
        Organisation.objects.filter(bin=case.employer_bin).values_list("kato", flat=True).first()
    )
    places = place_names([employer_kato, *(c.policyholder_kato for c in contracts)])
    return render(
        request,
        "contracts/case_detail.html",
        {
            "case": case,
            "events": case.events.select_related("by").order_by("at", "id"),
            "notices": case.notices.select_related("issued_by"),
            "contracts": contracts,
            "judged_ids": judged_ids,
            "employer_kato": employer_kato,
            "places": places,
            "chart": chart,
            "chart_width": len(chart) * 40,
            "next_states": [(s, CaseState(s).label) for s in case.next_states],
        },
    )


@require_POST
@inspector_required
def case_action(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    try:
        if request.POST.get("action") == "notice":
            notice = notice_issue(case=case, user=request.user, issued_on=timezone.localdate())
            messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
        else:
            case_move(
                case=case,
                to_state=request.POST.get("to_state", ""),
                user=request.user,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The case is updated."))
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    return redirect("contracts:case-detail", pk=case.pk)


@inspector_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = Notice.objects.select_related("case", "issued_by").filter(pk=pk).first()
    if notice is None or selectors.case_get(user=request.user, pk=notice.case_id) is None:
        raise Http404
    response = HttpResponse(exports.notices_pdf([notice]), content_type=exports.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="notice_{notice.pk}.pdf"'
    return response


@require_POST
@inspector_required
def notice_batch(request: HttpRequest) -> HttpResponse:
    """Notices for every open case of a region, printed as one PDF."""
    region = selectors.region_scope(request.user) or request.POST.get("region") or None
    if region is None and not has_role(request.user, Role.CHIEF_INSPECTOR, Role.ADMIN):
        raise PermissionDenied
    notices = notices_issue_for_region(
        region_code=region, user=request.user, issued_on=timezone.localdate()
    )
    if not notices:
        messages.info(request, _("There are no open cases to notify."))
        return redirect("contracts:violator-list")
    response = HttpResponse(exports.notices_pdf(notices), content_type=exports.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="notices_{region or "all"}.pdf"'
    return response


@inspector_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Share of obliged employers covered, by region, today and over the last 12 months."""
    today = timezone.localdate()
    scope = selectors.region_scope(request.user)
    regions = {r.code: r for r in Region.objects.all()}
    rows = []
    for item in selectors.coverage_by_region(on=today):
        if scope is not None and item["region"] != scope:
            continue
        share = 100 * item["covered"] / item["obliged"] if item["obliged"] else 0
        rows.append({**item, "region_obj": regions.get(item["region"]), "share": round(share, 1)})
    rows.sort(key=lambda r: r["region_obj"].kato if r["region_obj"] else "999")
    obliged = sum(r["obliged"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    month_days = _months_back(today, 12)[:-1]
    history = selectors.coverage_history(days=month_days, region=scope)
    trend = [
        {
            "day": day,
            "obliged": history.get(day, (0, 0))[0],
            "covered": history.get(day, (0, 0))[1],
            "share": round(100 * history[day][1] / history[day][0], 1)
            if history.get(day, (0, 0))[0]
            else None,
        }
        for day in month_days
    ]
    for i, point in enumerate(trend):
        point["height"] = round(1.1 * point["share"]) if point["share"] is not None else 0
        point.update(x=i * 50 + 8, mid=i * 50 + 23, y=132 - point["height"])
        point["label_y"] = point["y"] - 4
    return render(
        request,
        "contracts/coverage.html",
        {
            "on": today,
            "rows": rows,
            "obliged": obliged,
            "covered": covered,
            "share": round(100 * covered / obliged, 1) if obliged else 0,
            "trend": trend,
        },
    )


# --- the insurer's view ---------------------------------------------------------------


# Rejected rows shown on the insurer's page (newest files first).
REJECTIONS_SHOWN = 200


@login_required
def insurer_contracts(request: HttpRequest) -> HttpResponse:
    """The insurer's own contracts with their flags, to correct what looks wrong."""
    if not has_role(request.user, Role.INSURER):
        raise PermissionDenied
    insurer = user_organisation(request.user)
    queryset = selectors.insurer_contracts(insurer_bin=insurer.bin).order_by("-loaded_at", "-pk")
    if request.GET.get("flagged"):
        queryset = queryset.exclude(flags=[]) | queryset.filter(premium_below_minimum=True)
    if q := request.GET.get("q", "").strip():
        queryset = queryset.filter(
            Q(contract_number__icontains=q) | Q(policyholder_bin__startswith=q)
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    flags = contract_flags(page.object_list)
    for contract in page.object_list:
        contract.flag_list = flags.get(contract.pk, [])
    rejections = selectors.insurer_rejections(insurer_bin=insurer.bin)
    return render(
        request,
        "contracts/insurer_contracts.html",
        {
            "insurer": insurer,
            "page_obj": page,
            "objects": page.object_list,
            "rejections": rejections[:REJECTIONS_SHOWN],
            "rejections_total": rejections.count(),
            "total": OsnsContract.objects.current().filter(insurer_bin=insurer.bin).count(),
        },
    )
