"""A contract's whole story on one timeline: every fact with its date, and where a
deadline applies, the due date and whether it was met.

Sources yield ``Entry`` items for one contract; the annuity app registers its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import VoluntaryContract


@dataclass(frozen=True)
class Entry:
    on: dt.date
    kind: str  # a CSS-friendly key: contract, premium, event, claim, decision, payout, annuity
    title: str
    text: str = ""
    due_on: dt.date | None = None
    late: bool | None = None
    clause: str = ""


SOURCES: list[Callable[[VoluntaryContract], Iterable[Entry]]] = []


def register(source: Callable[[VoluntaryContract], Iterable[Entry]]) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def _contract_entries(c: VoluntaryContract) -> Iterable[Entry]:
    yield Entry(
        c.concluded_on,
        "contract",
        _("Contract concluded"),
        _("Sum insured %(s)s ₸, premium %(p)s ₸, signed by %(n)s (%(b)s)")
        % {
            "s": c.sum_insured_kzt,
            "p": c.premium_kzt,
            "n": c.signatory_name,
            "b": c.get_signatory_basis_display(),
        },
        clause="5-9",
    )
    for p in c.premiumpayments.all():
        yield Entry(
            p.received_on, "premium", _("Premium received"), f"{p.amount_kzt} ₸", clause="21"
        )
    for x in c.premiuminstalments.all():
        yield Entry(
            x.due_on,
            "premium",
            _("Premium instalment due"),
            f"{x.amount_kzt} ₸",
            due_on=x.due_on,
            clause="20",
        )
    if c.starts_on:
        yield Entry(c.starts_on, "contract", _("Cover starts"), clause="13")
    for a in c.supplementaryagreements.all():
        yield Entry(
            a.signed_on,
            "contract",
            _("Supplementary agreement № %(n)s") % {"n": a.number},
            a.description,
            clause="62",
        )
    for d in c.duplicateissues.all():
        yield Entry(
            d.issued_on,
            "contract",
            _("Duplicate issued; the original is void"),
            d.reason,
            clause="64",
        )
    yield Entry(
        c.ended_on or c.ends_on,
        "contract",
        _("Contract ends") if not c.ended_on else c.get_status_display(),
    )


def _claim_entries(c: VoluntaryContract) -> Iterable[Entry]:
    for e in c.insured_events.all():
        yield Entry(
            e.occurred_on, "event", _("Accident (%(c)s)") % {"c": e.circumstance}, e.description
        )
        yield Entry(
            e.notified_on,
            "event",
            _("Insurer notified of the accident"),
            due_on=e.notice_due_on,
            late=e.notice_late,
            clause="25.4",
        )
        for cl in e.claims.all():
            yield Entry(
                cl.receipt_issued_on,
                "claim",
                _("Claim received, receipt № %(n)s in two copies") % {"n": cl.receipt_number},
                _("Degree %(d)s %% from %(f)s to %(t)s")
                % {"d": cl.degree_percent, "f": cl.degree_set_on, "t": cl.degree_until},
                clause="29",
            )
            for doc in cl.documents.all():
                yield Entry(
                    doc.received_on,
                    "claim",
                    _("Document received"),
                    doc.get_kind_display(),
                    clause="28",
                )
            for n in cl.missing_notices.all():
                yield Entry(
                    n.sent_on,
                    "claim",
                    _("Notice of missing documents"),
                    ", ".join(n.kinds),
                    due_on=n.due_on,
                    late=n.late,
                    clause="9.11",
                )
            decision = getattr(cl, "decision", None)
            if decision is None:
                yield Entry(
                    cl.decision_due_on,
                    "decision",
                    _("Decision due"),
                    due_on=cl.decision_due_on,
                    clause="46",
                )
            else:
                yield Entry(
                    decision.decided_on,
                    "decision",
                    _("Decision: %(d)s") % {"d": decision.get_decision_display()},
                    " ".join([", ".join(decision.grounds), decision.reason_text]).strip(),
                    due_on=decision.due_on,
                    late=decision.late,
                    clause="46",
                )
                for a in decision.appeals.all():
                    yield Entry(
                        a.filed_on,
                        "decision",
                        _("Appeal: %(b)s") % {"b": a.get_body_display()},
                        a.outcome,
                        clause="61",
                    )
            for p in cl.payouts.all():
                yield Entry(
                    p.paid_on,
                    "payout",
                    _("Additional expenses reimbursed"),
                    f"{p.amount_kzt} ₸",
                    due_on=p.due_on,
                    late=p.late,
                    clause="34",
                )
                for r in p.recoveries.all():
                    yield Entry(
                        r.demanded_on,
                        "payout",
                        _("Recovery demanded"),
                        f"{r.amount_kzt} ₸",
                        clause="43.6",
                    )
            for s in cl.shortfall_duties.all():
                yield Entry(
                    s.recorded_on,
                    "payout",
                    _("Policyholder owes the difference"),
                    f"{s.difference_kzt} ₸" + (f" · {_('paid')} {s.paid_on}" if s.paid_on else ""),
                    clause="39",
                )


register(_contract_entries)
register(_claim_entries)


def contract_timeline(contract: VoluntaryContract) -> list[Entry]:
    entries = [entry for source in SOURCES for entry in source(contract)]
    return sorted(entries, key=lambda e: (e.on, e.kind))
