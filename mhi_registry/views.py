"""Pages of the MHI registry: operators' look-up (answer, explanation in words, timeline
picture, ``as_of``), manual inclusions; ops' failure windows and stale-list report.

IINs are posted, never put in URLs, so access logs hold none.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Role
from core.roles import has_role

from . import engine, selectors, services
from .models import (
    DocumentKind,
    FailureWindow,
    InclusionGroup,
    Payment,
    PendingRefresh,
    Rebuild,
)
from .store import today

OPERATOR_ROLES = (Role.MHI_OPERATOR, Role.ADMIN)
OPS_ROLES = (Role.OPS, Role.ADMIN)

BASIS_LABELS = {
    engine.CATEGORY: gettext_lazy("Category (state-paid)"),
    engine.SECURITY_FORCES: gettext_lazy("Security forces list"),
    engine.PAYMENT: gettext_lazy("Paid month"),
    engine.MANUAL: gettext_lazy("Manual inclusion"),
    engine.CATEGORY_RETENTION: gettext_lazy("Retention after a category"),
    engine.PAYMENT_RETENTION: gettext_lazy("Retention after payments"),
    engine.FREEZE: gettext_lazy("Technical failure freeze"),
}
BASIS_COLOURS = {
    engine.CATEGORY: "#2e7d32",
    engine.SECURITY_FORCES: "#5e35b1",
    engine.PAYMENT: "#1565c0",
    engine.MANUAL: "#ef6c00",
    engine.CATEGORY_RETENTION: "#81c784",
    engine.PAYMENT_RETENTION: "#64b5f6",
    engine.FREEZE: "#9e9e9e",
}
RULE_WORDS = {
    "M1": gettext_lazy("M1: in a state-paid category (cl. 20, 55)"),
    "M2": gettext_lazy("M2: three months kept after leaving the category (cl. 9)"),
    "M3": gettext_lazy("M3: the month is paid (cl. 10, 11)"),
    "M4": gettext_lazy("M4: months kept after the last paid month (cl. 10)"),
    "M5": gettext_lazy("M5: on a security-forces list until the next list (cl. 64)"),
    "M6": gettext_lazy("M6: included by hand for one month (cl. 21, 57)"),
    "M7": gettext_lazy("M7: cover frozen during a technical failure (cl. 13)"),
}


def _require(request: HttpRequest, roles) -> None:
    if not has_role(request.user, *roles):
        raise PermissionDenied


class LookupForm(forms.Form):
    iin = forms.CharField(label=gettext_lazy("IIN"), max_length=12)
    on = forms.DateField(
        label=gettext_lazy("Day of care"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Knowledge date (as of)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_iin(self) -> str:
        iin = self.cleaned_data["iin"].strip()
        error = selectors.iin_error(iin)
        if error:
            raise ValidationError(error)
        return iin


def timeline_svg(bands: dict, *, start: dt.date, end: dt.date, on: dt.date) -> dict:
    """Geometry of the timeline picture: one row per basis, a bar per interval."""
    width, label_w, row_h = 900, 230, 26
    span = (end - start).days or 1

    def x(day: dt.date) -> float:
        return label_w + (width - label_w - 10) * (day - start).days / span

    rows = []
    for n, (basis, intervals) in enumerate(bands.items()):
        bars = [
            {
                "x": round(x(s), 1),
                "w": max(round(x(e) - x(s), 1), 1.0),
                "title": f"{s.isoformat()} — {(e - dt.timedelta(days=1)).isoformat() if e != engine.OPEN and e < end else '…'}"
                + (f" ({c})" if c else ""),
            }
            for s, e, c in intervals
        ]
        rows.append(
            {
                "y": 24 + n * row_h,
                "label": BASIS_LABELS[basis],
                "colour": BASIS_COLOURS[basis],
                "bars": bars,
            }
        )
    ticks = []
    month = start.replace(day=1)
    while month < end:
        if month >= start and month.month in (1, 4, 7, 10):
            ticks.append({"x": round(x(month), 1), "label": month.strftime("%Y-%m")})
        month = engine.add_months(month, 1)
    height = 24 + max(len(rows), 1) * row_h + 24
    return {
        "width": width,
        "height": height,
        "rows": rows,
        "ticks": ticks,
        "on_x": round(x(on), 1) if start <= on < end else None,
        "axis_y": height - 20,
    }


def explanation_words(explanation) -> list[dict]:
    out = []
    for item in explanation:
        facts = []
        for fact in item["facts"]:
            kind = fact.get("kind")
            if kind == "category_period":
                facts.append(
                    _("category %(c)s from %(a)s%(r)s, delivered %(d)s")
                    % {
                        "c": fact["category"],
                        "a": fact["assigned_on"],
                        "r": (" " + _("to %(r)s") % {"r": fact["removed_on"]})
                        if fact["removed_on"]
                        else "",
                        "d": fact["delivered_on"],
                    }
                )
            elif kind == "paid_month":
                text = _("month %(p)s paid, net %(n)s tenge") % {
                    "p": fact["period"],
                    "n": fact["net"],
                }
                if "months_kept" in fact:
                    text += "; " + _("%(k)s months kept") % {"k": fact["months_kept"]}
                facts.append(text)
            elif kind == "security_forces_list":
                facts.append(
                    _("list of %(a)s delivered %(d)s")
                    % {"a": fact["authority"], "d": fact["delivered_on"]}
                )
            elif kind == "manual_inclusion":
                facts.append(
                    _("group %(g)s, application %(a)s, entered %(d)s")
                    % {"g": fact["group"], "a": fact["application_date"], "d": fact["delivered_on"]}
                )
            elif kind == "technical_failure":
                facts.append(_("failure from %(s)s") % {"s": fact["starts_on"]})
        out.append(
            {
                "rule": RULE_WORDS.get(item["rule"], item["rule"]),
                "start": item["start"],
                "end": item["end"],
                "facts": facts,
            }
        )
    return out


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    _require(request, OPERATOR_ROLES)
    context: dict = {"form": LookupForm(), "today": today()}
    if request.method == "POST":
        form = LookupForm(request.POST)
        context["form"] = form
        if form.is_valid():
            iin = form.cleaned_data["iin"]
            on = form.cleaned_data["on"] or today()
            as_of = form.cleaned_data["as_of"] or today()
            query = selectors.Lookup(on=on, as_of=as_of, full=True)
            audit = selectors.audit_of(request.user, "page")
            answer = selectors.status_answers([iin], lookup=query, audit=audit)[0]
            start = engine.add_months(as_of, -24)
            end = engine.add_months(as_of, 3)
            bands = selectors.timeline_bands(iin, as_of=as_of, start=start, end=end)
            context.update(
                answer=answer,
                basis_label=BASIS_LABELS.get(answer.get("basis")),
                words=explanation_words(answer.get("explanation") or []),
                svg=timeline_svg(bands, start=start, end=end, on=on),
            )
    return render(request, "mhi_registry/lookup.html", context)


class InclusionForm(forms.Form):
    iin = forms.CharField(label=gettext_lazy("IIN"), max_length=12)
    group = forms.ChoiceField(label=gettext_lazy("Group claimed"), choices=InclusionGroup.choices)
    application_date = forms.DateField(
        label=gettext_lazy("Application date"), widget=forms.DateInput(attrs={"type": "date"})
    )


DOCUMENT_ROWS = 3


@login_required
def inclusion(request: HttpRequest) -> HttpResponse:
    _require(request, OPERATOR_ROLES)
    kinds = list(DocumentKind.objects.all())
    form = InclusionForm(request.POST or None)
    errors: dict = {}
    documents = [{"kind": "", "number": "", "issued_on": ""} for _ in range(DOCUMENT_ROWS)]
    if request.method == "POST":
        documents = [
            {
                "kind": request.POST.get(f"doc{n}_kind", ""),
                "number": request.POST.get(f"doc{n}_number", ""),
                "issued_on": request.POST.get(f"doc{n}_issued_on", ""),
            }
            for n in range(DOCUMENT_ROWS)
        ]
        if form.is_valid():
            given = [d for d in documents if d["kind"] or d["number"] or d["issued_on"]]
            try:
                created = services.include_manually(
                    iin=form.cleaned_data["iin"].strip(),
                    group=form.cleaned_data["group"],
                    application_date=form.cleaned_data["application_date"],
                    documents=given,
                    operator=request.user,
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                return render(
                    request,
                    "mhi_registry/inclusion_done.html",
                    {
                        "inclusion": created,
                        "until": engine.add_months(created.application_date, 1) - engine.DAY,
                    },
                )
    return render(
        request,
        "mhi_registry/inclusion.html",
        {
            "form": form,
            "kinds": kinds,
            "documents": documents,
            "errors": errors,
            "requirements": _requirements(),
        },
    )


def _requirements() -> list[dict]:
    from .models import RequiredDocument

    table: dict = {}
    for req in RequiredDocument.objects.select_related("kind"):
        table.setdefault(req.group, {}).setdefault(req.slot, []).append(str(req.kind.name))
    labels = dict(InclusionGroup.choices)
    return [
        {
            "group": g,
            "label": labels.get(g, g),
            "slots": [" / ".join(k) for _s, k in sorted(slots.items())],
        }
        for g, slots in sorted(table.items())
    ]


class FailureForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("Failure from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Failure until (exclusive; empty while it lasts)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)
    window = forms.IntegerField(
        label=gettext_lazy("Window number (to end or correct one)"), required=False, min_value=1
    )


@login_required
def ops(request: HttpRequest) -> HttpResponse:
    _require(request, OPS_ROLES)
    form = FailureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_failure(
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                note=form.cleaned_data["note"],
                window=form.cleaned_data["window"],
                declared_by=request.user,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("mhi:ops")
    return render(
        request,
        "mhi_registry/ops.html",
        {
            "form": form,
            "windows": FailureWindow.objects.select_related("declared_by")[:50],
            "stale": selectors.stale_authorities(),
            "pending": PendingRefresh.objects.count(),
            "rebuilds": Rebuild.objects.annotate(done_chunks=Count("done"))[:5],
            "flagged": Payment.objects.flagged().count(),
        },
    )
