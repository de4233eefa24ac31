"""The regulator's pages: deadline breaches and cases at risk across insurers, with
a daily chart and XLSX export; a contract's whole story; the decision letter."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.models import Organisation, Region, Role
from core.roles import has_role

from . import breaches, selectors
from .exports import breaches_xlsx, decision_letter_pdf
from .models import ContractStatus
from .timeline import contract_timeline

PAGE_ROLES = (Role.CHIEF_INSPECTOR, Role.ADMIN)


def _require_regulator(request: HttpRequest) -> None:
    if not has_role(request.user, *PAGE_ROLES):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict:
    try:
        on = dt.date.fromisoformat(request.GET["on"]) if request.GET.get("on") else None
    except ValueError:
        on = None
    kind = request.GET.get("kind") or None
    return {
        "insurer": request.GET.get("insurer") or None,
        "region": request.GET.get("region") or None,
        "kind": kind if kind in breaches.KINDS else None,
        "on": on or timezone.localdate(),
        "view": "at_risk" if request.GET.get("view") == "at_risk" else "breaches",
    }


def _rows(f: dict) -> list[breaches.Breach]:
    finder = breaches.at_risk if f["view"] == "at_risk" else breaches.breaches
    return finder(on=f["on"], insurer_bin=f["insurer"], region=f["region"], kind=f["kind"])


@login_required
@require_GET
def breach_list(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    f = _filters(request)
    rows = _rows(f)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    chart = breaches.daily_counts(
        until=f["on"], insurer_bin=f["insurer"], region=f["region"], kind=f["kind"]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insurance/breach_list.html",
        {
            "f": f,
            "page": page,
            "total": len(rows),
            "chart": chart,
            "kinds": [(k, str(v)) for k, v in breaches.KIND_LABELS.items()],
            "insurers": Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by(
                "name"
            ),
            "regions": Region.objects.order_by("kato"),
            "query": query.urlencode(),
            "at_risk_days": breaches.AT_RISK_WORKING_DAYS,
        },
    )


@login_required
@require_GET
def breach_export(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    f = _filters(request)
    title = (_("Cases at risk") if f["view"] == "at_risk" else _("Deadline breaches")) + (
        f" · {f['on'].isoformat()}"
    )
    response = HttpResponse(
        breaches_xlsx(_rows(f), title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{f["view"]}-{f["on"]}.xlsx"'
    return response


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    queryset = selectors.contract_list(user=request.user).select_related("insurer", "region")
    insurer, region, status = (request.GET.get(k) or None for k in ("insurer", "region", "status"))
    if insurer:
        queryset = queryset.filter(insurer__bin=insurer)
    if region:
        queryset = queryset.filter(region_id=region)
    if status in ContractStatus.values:
        queryset = queryset.filter(status=status)
    if request.GET.get("q"):
        queryset = queryset.filter(number__icontains=request.GET["q"].strip())
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insurance/contract_list.html",
        {
            "page": page,
            "insurer": insurer,
            "region": region,
            "status": status,
            "q": request.GET.get("q", ""),
            "statuses": ContractStatus.choices,
            "insurers": Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by(
                "name"
            ),
            "regions": Region.objects.order_by("kato"),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_regulator(request)
    contract = selectors.contract_list(user=request.user).filter(pk=pk).first()
    if contract is None:
        raise Http404
    claims = selectors.claim_queryset().filter(event__contract=contract)
    return render(
        request,
        "insurance/contract_detail.html",
        {
            "contract": contract,
            "timeline": contract_timeline(contract),
            "claims": claims,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Cl. 23.4, 46: the written decision, in Kazakh and Russian."""
    if not has_role(request.user, *PAGE_ROLES, Role.INSURER):
        raise PermissionDenied
    claim = selectors.claim_list(user=request.user).filter(pk=pk).first()
    decision = getattr(claim, "decision", None) if claim else None
    if decision is None:
        raise Http404
    response = HttpResponse(decision_letter_pdf(claim, decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{claim.receipt_number}.pdf"'
    return response
