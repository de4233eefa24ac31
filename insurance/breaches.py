"""Deadline breaches and cases at risk, across insurers (the regulator's view).

A breach is a fact whose deadline passed before it was done (or, not done, before
the day it is judged): late notices, late decisions, late reimbursements, late
annuity contracts, late first payments and missed monthly payments, each with
the clause it breaks. Each kind has a source: a function that yields the
candidate facts with their due date and the day they were done. Annuity kinds
are registered by the annuity app, which depends on this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.calendar import WorkingCalendar, working_calendar

from .models import Claim, InsuredEvent, Payout

AT_RISK_WORKING_DAYS = 2

KIND_LABELS = {
    "late_notice": _("Late notice of an accident"),
    "late_decision": _("Late decision on a claim"),
    "late_reimbursement": _("Late reimbursement of additional expenses"),
    "late_annuity_contract": _("Late annuity contract"),
    "late_first_payment": _("Late first annuity payment"),
    "missed_monthly_payment": _("Missed monthly annuity payment"),
}
KINDS = tuple(KIND_LABELS)
# The same facts while they are not yet late (the at-risk list).
DUE_LABELS = {
    "late_notice": _("Notice of an accident due"),
    "late_decision": _("Decision on a claim due"),
    "late_reimbursement": _("Reimbursement of additional expenses due"),
    "late_annuity_contract": _("Annuity contract due"),
    "late_first_payment": _("First annuity payment due"),
    "missed_monthly_payment": _("Monthly annuity payment due"),
}


@dataclass(frozen=True)
class Candidate:
    kind: str
    clause: str
    insurer_bin: str
    insurer_name: str
    region_code: str | None
    contract_id: int
    object_id: int
    object_label: str
    due_on: dt.date
    done_on: dt.date | None


@dataclass(frozen=True)
class Breach:
    kind: str
    clause: str
    insurer_bin: str
    insurer_name: str
    region_code: str | None
    contract_id: int
    object_id: int
    object_label: str
    due_on: dt.date
    done_on: dt.date | None
    working_days_late: int

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def due_label(self) -> str:
        return str(DUE_LABELS[self.kind])

    def as_dict(self) -> dict:
        return asdict(self)


# A source takes (scope filters) and yields candidates.
Source = Callable[..., Iterable[Candidate]]
SOURCES: dict[str, Source] = {}


def register(kind: str, source: Source) -> None:
    SOURCES[kind] = source


def _scope(queryset: QuerySet, prefix: str, insurer_bin, region) -> QuerySet:
    if insurer_bin:
        queryset = queryset.filter(**{f"{prefix}insurer__bin": insurer_bin})
    if region:
        queryset = queryset.filter(**{f"{prefix}region_id": region})
    return queryset


def _late_notices(*, insurer_bin=None, region=None):
    events = _scope(
        InsuredEvent.objects.select_related("contract__insurer"), "contract__", insurer_bin, region
    )
    for e in events:
        c = e.contract
        yield Candidate(
            "late_notice",
            "25.4",
            c.insurer.bin,
            c.insurer.name,
            c.region_id,
            c.id,
            e.id,
            f"{c.label} · {e.occurred_on}",
            e.notice_due_on,
            e.notified_on,
        )


def _late_decisions(*, insurer_bin=None, region=None):
    claims = _scope(
        Claim.objects.select_related("event__contract__insurer", "decision"),
        "event__contract__",
        insurer_bin,
        region,
    )
    for cl in claims:
        c = cl.event.contract
        decision = getattr(cl, "decision", None)
        yield Candidate(
            "late_decision",
            "46",
            c.insurer.bin,
            c.insurer.name,
            c.region_id,
            c.id,
            cl.id,
            f"{c.label} · {cl.receipt_number}",
            cl.decision_due_on,
            decision.decided_on if decision else None,
        )


def _late_reimbursements(*, insurer_bin=None, region=None):
    payouts = _scope(
        Payout.objects.select_related("claim__event__contract__insurer"),
        "claim__event__contract__",
        insurer_bin,
        region,
    )
    for p in payouts:
        c = p.claim.event.contract
        yield Candidate(
            "late_reimbursement",
            "34",
            c.insurer.bin,
            c.insurer.name,
            c.region_id,
            c.id,
            p.id,
            f"{c.label} · {p.amount_kzt} ₸",
            p.due_on,
            p.paid_on,
        )


register("late_notice", _late_notices)
register("late_decision", _late_decisions)
register("late_reimbursement", _late_reimbursements)


def _judge(candidate: Candidate, on: dt.date, calendar: WorkingCalendar) -> Breach | None:
    done = candidate.done_on if candidate.done_on and candidate.done_on <= on else None
    end = done or on
    if end <= candidate.due_on:
        return None
    # Done on a day off after the due date is still late: at least one working day.
    late = max(1, calendar.working_days_between(candidate.due_on, end))
    return Breach(**asdict(candidate), working_days_late=late)


def _candidates(kind, insurer_bin, region):
    kinds = [kind] if kind else list(SOURCES)
    for k in kinds:
        if k in SOURCES:
            yield from SOURCES[k](insurer_bin=insurer_bin, region=region)


def breaches(
    *,
    on: dt.date,
    insurer_bin: str | None = None,
    region: str | None = None,
    kind: str | None = None,
) -> list[Breach]:
    """Facts late as judged on ``on``, latest due first."""
    calendar = working_calendar()
    found = [
        b
        for c in _candidates(kind, insurer_bin, region)
        if (b := _judge(c, on, calendar)) is not None
    ]
    return sorted(found, key=lambda b: (b.due_on, b.kind, b.object_id), reverse=True)


def at_risk(
    *,
    on: dt.date,
    insurer_bin: str | None = None,
    region: str | None = None,
    kind: str | None = None,
) -> list[Breach]:
    """Facts not done by ``on`` that fall due within 2 working days (from ``on`` itself)."""
    calendar = working_calendar()
    horizon = calendar.add_working_days(on, AT_RISK_WORKING_DAYS)
    found = []
    for c in _candidates(kind, insurer_bin, region):
        done = c.done_on if c.done_on and c.done_on <= on else None
        if done is None and on <= c.due_on <= horizon:
            found.append(Breach(**asdict(c), working_days_late=0))
    return sorted(found, key=lambda b: (b.due_on, b.kind, b.object_id))


def daily_counts(
    *, until: dt.date, days: int = 60, insurer_bin=None, region=None, kind=None
) -> dict:
    """New breaches per day (the day after the due date) and kind, for the chart."""
    start = until - dt.timedelta(days=days - 1)
    labels = [(start + dt.timedelta(days=i)) for i in range(days)]
    index = {d: i for i, d in enumerate(labels)}
    series = {k: [0] * days for k in KINDS}
    for b in breaches(on=until, insurer_bin=insurer_bin, region=region, kind=kind):
        day = b.due_on + dt.timedelta(days=1)
        if day in index:
            series[b.kind][index[day]] += 1
    return {
        "labels": [d.isoformat() for d in labels],
        "series": [{"kind": k, "label": str(KIND_LABELS[k]), "data": series[k]} for k in KINDS],
    }
