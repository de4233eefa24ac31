"""Reads of the MHI registry: status answers (store or engine), a person's facts, reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from core.validators import validate_iin_bin

from . import engine
from .facts import failure_windows, knp_rules
from .models import (
    AUTHORITIES,
    CategoryPeriod,
    ManualInclusion,
    Payment,
    PendingRefresh,
    PersonStatus,
    SecurityListing,
    SecuritySnapshot,
    StatusLookup,
)
from .store import decode, today

STALE_AFTER_DAYS = 14  # cl. 62: lists at least every 14 days


def person_facts(iin: str) -> engine.PersonFacts:
    """Every version of every fact about one person; the engine picks by ``as_of``."""
    categories = [
        engine.CategoryFact(
            c.category,
            c.assigned_on,
            c.removed_on,
            c.removal_reason,
            c.delivered_on,
            c.version,
            c.loaded_at.isoformat(),
        )
        for c in CategoryPeriod.objects.filter(iin=iin)
    ]
    payments = [
        engine.PaymentFact(
            p.reference,
            p.period,
            p.received_on,
            p.amount_kzt,
            p.knp,
            p.delivered_on,
            p.version,
            p.loaded_at.isoformat(),
        )
        for p in Payment.objects.filter(iin=iin)
    ]
    listed = set(SecurityListing.objects.filter(iin=iin).values_list("snapshot_id", flat=True))
    snapshots = []
    if listed:
        authorities = set(
            SecuritySnapshot.objects.filter(pk__in=listed).values_list("authority", flat=True)
        )
        snapshots = [
            s.as_fact(s.pk in listed)
            for s in SecuritySnapshot.objects.filter(authority__in=authorities)
        ]
    manual = [m.as_fact() for m in ManualInclusion.objects.filter(iin=iin)]
    return engine.PersonFacts(
        categories=categories, payments=payments, snapshots=snapshots, manual=manual
    )


def engine_answer(
    iin: str, *, on: dt.date, as_of: dt.date, knp=None, windows=None
) -> engine.Answer:
    return engine.answer(
        person_facts(iin),
        iin=iin,
        on=on,
        as_of=as_of,
        knp=knp if knp is not None else knp_rules(),
        windows=windows if windows is not None else failure_windows(),
    )


def person_intervals(iin: str, *, as_of: dt.date) -> list[engine.Interval]:
    """All intervals of a person known on ``as_of`` (the timeline picture)."""
    return engine.intervals(
        person_facts(iin), as_of=as_of, knp=knp_rules(), windows=failure_windows()
    )


def iin_error(iin: Any) -> str | None:
    try:
        validate_iin_bin(iin)
    except ValidationError as exc:
        return " ".join(str(m) for m in exc.messages)
    return None


@dataclass(frozen=True)
class Lookup:
    on: dt.date
    as_of: dt.date
    full: bool
    stretch: bool = False  # add covered_from (the FHIR benefitPeriod's start)


def status_answers(iins: list[Any], *, lookup: Lookup) -> list[dict[str, Any]]:
    """One result per IIN, in order: the answer, or ``{iin, error}`` for a malformed IIN.

    Trimmed answers for ``as_of`` not before a row's ``computed_for`` (and before
    its ``valid_until``) come from the store; whole answers (with explanation),
    past ``as_of`` and people queued for a refresh go through the engine.
    """
    valid = [i for i in iins if iin_error(i) is None]
    rows: dict[str, PersonStatus] = {}
    pending: set[str] = set()
    if valid and not lookup.full:
        rows = {
            r.iin: r
            for r in PersonStatus.objects.filter(iin__in=valid).only(
                "iin", "computed_for", "segments", "valid_until"
            )
        }
        pending = set(PendingRefresh.objects.filter(iin__in=valid).values_list("iin", flat=True))
    store_built = bool(rows) or (bool(valid) and PersonStatus.objects.exists())
    knp = windows = None
    results: list[dict[str, Any]] = []
    for iin in iins:
        error = iin_error(iin)
        if error is not None:
            results.append({"iin": iin if isinstance(iin, str) else str(iin), "error": error})
            continue
        row = rows.get(iin)
        if not lookup.full and iin not in pending:
            if row is None:
                # Never any fact (rows exist for everyone with facts): not insured.
                if store_built:
                    results.append(
                        _unknown(iin, lookup).as_dict(full=False, stretch=lookup.stretch)
                    )
                    continue
            elif row.computed_for <= lookup.as_of and (
                row.valid_until is None or lookup.as_of < row.valid_until
            ):
                answer = engine.answer_from_segments(
                    decode(row.segments), iin=iin, on=lookup.on, as_of=lookup.as_of
                )
                results.append(answer.as_dict(full=False, stretch=lookup.stretch))
                continue
        if knp is None:
            knp, windows = knp_rules(), failure_windows()
        answer = engine_answer(iin, on=lookup.on, as_of=lookup.as_of, knp=knp, windows=windows)
        results.append(answer.as_dict(full=lookup.full, stretch=lookup.stretch))
    return results


def _unknown(iin: str, lookup: Lookup) -> engine.Answer:
    return engine.answer_from_segments([], iin=iin, on=lookup.on, as_of=lookup.as_of)


def record_lookup(*, user, channel: str, lookup: Lookup, iins: list[Any]) -> None:
    """Audit: who, when, through which channel, which IINs (never written to logs)."""
    StatusLookup.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        channel=channel,
        on=lookup.on,
        as_of=lookup.as_of,
        iins=[str(i)[:12] for i in iins],
    )


def stale_authorities(*, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Each authority's latest list and whether it is older than 14 days (cl. 62, M5)."""
    on = on or today()
    latest = dict(SecuritySnapshot.objects.values_list("authority").annotate(Max("delivered_on")))
    out = []
    for authority in AUTHORITIES:
        last = latest.get(authority)
        age = (on - last).days if last else None
        out.append(
            {
                "authority": authority,
                "latest_delivery": last,
                "age_days": age,
                "stale": last is None or age > STALE_AFTER_DAYS,
                "note": _("no list received") if last is None else "",
            }
        )
    return out


def timeline_bands(iin: str, *, as_of: dt.date, start: dt.date, end: dt.date) -> dict:
    """The person's intervals by basis clipped to ``[start, end)``, for the timeline picture."""
    bands: dict[str, list[tuple[dt.date, dt.date, str | None]]] = defaultdict(list)
    for interval in person_intervals(iin, as_of=as_of):
        s, e = max(interval.start, start), min(interval.end, end)
        if s < e:
            bands[interval.basis].append((s, e, interval.category))
    return {basis: bands[basis] for basis in engine.BASES if basis in bands}
