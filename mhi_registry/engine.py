"""The MHI entitlement engine: rules M1-M7 of MHI_RULES.md over one person's facts.

Pure Python, no database: the callers (``selectors`` for one person, ``store``
for chunks of people) read the facts and hand them in. Every fact produces
half-open coverage intervals ``[start, end)`` with a basis; a person is insured
on a day inside their union.

``as_of`` is the knowledge cut-off: facts delivered after it are ignored and,
for versioned facts, the version in force on ``as_of`` is used (the one with
the latest ``delivered_on``, then the highest ``version``, not after ``as_of``).

The open end of an interval is ``OPEN`` (``date.max``); answers show it as
``covered_until = None``.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple

OPEN = dt.date.max
DAY = dt.timedelta(days=1)

# Bases, highest priority first (MHI_RULES.md "Overall priority").
CATEGORY = "CATEGORY"
SECURITY_FORCES = "SECURITY_FORCES"
PAYMENT = "PAYMENT"
MANUAL = "MANUAL"
CATEGORY_RETENTION = "CATEGORY_RETENTION"
PAYMENT_RETENTION = "PAYMENT_RETENTION"
FREEZE = "FREEZE"
BASES = (
    CATEGORY,
    SECURITY_FORCES,
    PAYMENT,
    MANUAL,
    CATEGORY_RETENTION,
    PAYMENT_RETENTION,
    FREEZE,
)

# Categories in priority order: cl. 20 (republican), cl. 55 (local), then ch. 4.
REPUBLICAN = tuple(f"R{n:02d}" for n in range(1, 15))
LOCAL = ("L01", "L02")
TREATY = "F01"
CATEGORIES = (*REPUBLICAN, *LOCAL, TREATY)
# Manual inclusion groups (cl. 21 items 1-13, cl. 57): categories and item 13.
EXEMPT_GROUP = "X13"

MONTH_START = "month_start"
PAYMENT_DATE = "payment_date"
DEATH = "death"

FUNDING_MHI = "mhi"
FUNDING_GOBMP = "gobmp"

_BASIS_RANK = {basis: n for n, basis in enumerate(BASES)}
_CATEGORY_RANK = {code: n for n, code in enumerate(CATEGORIES)}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar arithmetic with the day clamped to the month's end (31 Jan + 1 = 28/29 Feb),
    as ``dateutil.relativedelta`` does (a test checks they agree)."""
    if day == OPEN:
        return OPEN
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@cache
def month_of_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


# Facts ------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFact:
    """One version of a category period (identity: iin, category, assigned_on)."""

    category: str
    assigned_on: dt.date
    removed_on: dt.date | None
    removal_reason: str
    delivered_on: dt.date
    version: int = 1
    loaded_at: str = ""

    @property
    def identity(self) -> tuple:
        return (self.category, self.assigned_on)


@dataclass(frozen=True)
class PaymentFact:
    """One version of a payment row (identity: reference, iin, period)."""

    reference: str
    period: dt.date  # first day of the month paid for
    received_on: dt.date
    amount: Decimal
    knp: str
    delivered_on: dt.date
    version: int = 1
    loaded_at: str = ""

    @property
    def identity(self) -> tuple:
        return (self.reference, self.period)


@dataclass(frozen=True)
class Snapshot:
    """One security-forces list of an authority; ``listed``: the person is in it."""

    authority: str
    delivered_on: dt.date
    sequence: int
    listed: bool
    snapshot_id: int = 0
    loaded_at: str = ""


@dataclass(frozen=True)
class ManualFact:
    inclusion_id: int
    group: str
    application_date: dt.date
    delivered_on: dt.date
    loaded_at: str = ""


@dataclass(frozen=True)
class FailureWindow:
    """One version of a technical-failure window (cl. 13); ``ends_on`` None while it lasts."""

    window_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    delivered_on: dt.date
    version: int = 1


@dataclass(frozen=True)
class KnpRule:
    gives_cover: bool
    cover_start: str  # MONTH_START, PAYMENT_DATE or "" (no cover)


class MonthPay(NamedTuple):
    """What M3 needs of one month P: the sums counted within the twelve-month window."""

    net: Decimal  # cover-giving КНП rows (the store's SQL path: the sum's sign)
    net_month_start: Decimal  # of which month-start КНП rows (ditto)
    first_payment_date: dt.date | None  # earliest received_on of positive payment-date rows


@dataclass
class PersonFacts:
    """Everything the engine reads about one person (all versions; ``as_of`` picks)."""

    categories: Sequence[CategoryFact] = ()
    payments: Sequence[PaymentFact] = ()
    snapshots: Sequence[Snapshot] = ()
    manual: Sequence[ManualFact] = ()
    # Pre-computed M3 input per knowledge date (the store's SQL path: as_of and each
    # failure window's eve); None: computed here from ``payments``.
    months: Mapping[dt.date, Mapping[dt.date, MonthPay]] | None = None


class Interval(NamedTuple):
    """A coverage interval; ``source`` is the fact behind it, described (``facts``) only
    when an answer is explained, so computing timelines builds no descriptions."""

    start: dt.date
    end: dt.date  # exclusive; OPEN = unbounded
    basis: str
    category: str | None
    rule: str
    source: Any = None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    @property
    def rank(self) -> tuple[int, int]:
        return (_BASIS_RANK[self.basis], _CATEGORY_RANK.get(self.category or "", 99))

    @property
    def facts(self) -> tuple[dict[str, Any], ...]:
        return (_DESCRIBE[self.rule](self.source),) if self.source is not None else ()


@dataclass(frozen=True)
class Answer:
    iin: str
    on: dt.date
    as_of: dt.date
    insured: bool
    basis: str | None
    category: str | None
    covered_until: dt.date | None
    funding_source: str
    explanation: tuple[dict[str, Any], ...] = field(default=())
    covered_from: dt.date | None = None  # first day of the connected stretch (FHIR benefitPeriod)

    def as_dict(self, *, full: bool = True, stretch: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "iin": self.iin,
            "on": self.on.isoformat(),
            "as_of": self.as_of.isoformat(),
            "insured": self.insured,
            "funding_source": self.funding_source,
            "covered_until": self.covered_until.isoformat() if self.covered_until else None,
        }
        if stretch:
            data["covered_from"] = self.covered_from.isoformat() if self.covered_from else None
        if full:
            data["basis"] = self.basis
            data["category"] = self.category
            data["explanation"] = list(self.explanation)
        return data


# as_of: which versions count ------------------------------------------------------


def in_force(facts: Iterable, as_of: dt.date) -> list:
    """Of each identity, the version in force on ``as_of`` (none if delivered later)."""
    best: dict[tuple, Any] = {}
    for fact in facts:
        if fact.delivered_on > as_of:
            continue
        key = fact.identity
        held = best.get(key)
        if held is None or (fact.delivered_on, fact.version) > (held.delivered_on, held.version):
            best[key] = fact
    return list(best.values())


# The rules -------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return None if day is None or day == OPEN else day.isoformat()


def category_intervals(categories: Iterable[CategoryFact]) -> list[Interval]:
    """M1 (cl. 17-20, 52-55) and M2 (cl. 9)."""
    out: list[Interval] = []
    for fact in categories:
        end = fact.removed_on or OPEN
        if end <= fact.assigned_on:
            continue  # withdrawn (removed_on = assigned_on): no interval, no retention
        out.append(Interval(fact.assigned_on, end, CATEGORY, fact.category, "M1", fact))
        retains = fact.category != TREATY and fact.category in _CATEGORY_RANK
        if fact.removed_on is not None and retains and fact.removal_reason.strip().lower() != DEATH:
            out.append(
                Interval(
                    fact.removed_on,
                    add_months(fact.removed_on, 3),
                    CATEGORY_RETENTION,
                    fact.category,
                    "M2",
                    fact,
                )
            )
    return out


def _category_ref(fact: CategoryFact) -> dict[str, Any]:
    return {
        "kind": "category_period",
        "category": fact.category,
        "assigned_on": fact.assigned_on.isoformat(),
        "removed_on": _iso(fact.removed_on),
        "removal_reason": fact.removal_reason,
        "version": fact.version,
        "delivered_on": fact.delivered_on.isoformat(),
        "loaded_at": fact.loaded_at,
    }


def paid_months(
    payments: Iterable[PaymentFact], knp: Mapping[str, KnpRule]
) -> dict[dt.date, MonthPay]:
    """M3's sums per month over payment versions already chosen for ``as_of``.

    Only cover-giving КНП count, and only payments whose period is no more than
    twelve months before the month of their ``received_on`` (cl. 10 para. 1).
    """
    sums: dict[dt.date, list] = {}
    for pay in payments:
        rule = knp.get(pay.knp)
        if rule is None or not rule.gives_cover:
            continue
        if month_index(pay.received_on) - month_index(pay.period) > 12:
            continue  # arrears older than twelve months: kept, no cover
        entry = sums.setdefault(pay.period, [Decimal(0), Decimal(0), None])
        entry[0] += pay.amount
        if rule.cover_start == MONTH_START:
            entry[1] += pay.amount
        elif pay.amount > 0 and (entry[2] is None or pay.received_on < entry[2]):
            entry[2] = pay.received_on
    return {p: MonthPay(e[0], e[1], e[2]) for p, e in sums.items()}


def payment_intervals(
    months: Mapping[dt.date, MonthPay], *, merged: bool = False
) -> list[Interval]:
    """M3 (cl. 10, 11) and M4 (cl. 10, Law art. 5 p. 2).

    ``merged``: the M3 intervals that touch, and the M4 ones that overlap or touch,
    each joined into one without their facts (the timeline's input: it joins them
    anyway, and a year of paid months is then two intervals, not 24); an
    explanation needs them month by month.
    """
    paid = sorted(p for p, m in months.items() if m.net > 0)
    out: list[Interval] = []
    cover: list | None = None  # merged: the current [start, end) of M3, of M4
    kept: list | None = None
    run, previous = 0, -2  # consecutive paid months ending at the current one
    for period in paid:
        pay = months[period]
        index = period.year * 12 + period.month - 1  # month_index(period)
        run = run + 1 if index == previous + 1 else 1
        previous = index
        next_month = month_of_index(index + 1)  # periods are first days of months
        start = None
        if pay.net_month_start > 0:
            start = period
        elif pay.first_payment_date is not None:
            start = max(period, pay.first_payment_date)
            if start >= next_month:
                start = None
        # k = 6 when each of the 60 months L-59..L is paid, else 3.
        k = 6 if run >= 60 else 3
        kept_until = month_of_index(index + 1 + k)
        if not merged:
            if start is not None:
                out.append(Interval(start, next_month, PAYMENT, None, "M3", (period, pay)))
            out.append(
                Interval(next_month, kept_until, PAYMENT_RETENTION, None, "M4", (period, pay, k))
            )
            continue
        if start is not None:
            if cover is not None and start <= cover[1]:
                cover[1] = next_month  # months in order: the later month ends later
            else:
                if cover is not None:
                    out.append(Interval(cover[0], cover[1], PAYMENT, None, "M3"))
                cover = [start, next_month]
        if kept is not None and next_month <= kept[1]:
            if kept_until > kept[1]:  # after a gap, k may fall from 6 to 3
                kept[1] = kept_until
        else:
            if kept is not None:
                out.append(Interval(kept[0], kept[1], PAYMENT_RETENTION, None, "M4"))
            kept = [next_month, kept_until]
    if cover is not None:
        out.append(Interval(cover[0], cover[1], PAYMENT, None, "M3"))
    if kept is not None:
        out.append(Interval(kept[0], kept[1], PAYMENT_RETENTION, None, "M4"))
    return out


def _paid_month_ref(source: tuple) -> dict[str, Any]:
    period, pay, *kept = source
    ref = {
        "kind": "paid_month",
        "period": f"{period.year:04d}-{period.month:02d}",
        "net": str(pay.net),
    }
    if kept:
        ref["months_kept"] = kept[0]
    return ref


def security_intervals(snapshots: Iterable[Snapshot], as_of: dt.date) -> list[Interval]:
    """M5 (cl. 62-65): each list in force from its delivery until the next one."""
    by_authority: dict[str, dict[dt.date, Snapshot]] = {}
    for snap in snapshots:
        if snap.delivered_on > as_of:
            continue
        days = by_authority.setdefault(snap.authority, {})
        held = days.get(snap.delivered_on)
        # Of several lists delivered the same day only the last counts.
        if held is None or (snap.sequence, snap.snapshot_id) > (held.sequence, held.snapshot_id):
            days[snap.delivered_on] = snap
    out: list[Interval] = []
    for days in by_authority.values():
        ordered = [days[d] for d in sorted(days)]
        for i, snap in enumerate(ordered):
            if not snap.listed:
                continue
            end = ordered[i + 1].delivered_on if i + 1 < len(ordered) else OPEN
            out.append(Interval(snap.delivered_on, end, SECURITY_FORCES, None, "M5", snap))
    return out


def _snapshot_ref(snap: Snapshot) -> dict[str, Any]:
    return {
        "kind": "security_forces_list",
        "authority": snap.authority,
        "delivered_on": snap.delivered_on.isoformat(),
        "sequence": snap.sequence,
        "loaded_at": snap.loaded_at,
    }


def manual_intervals(manual: Iterable[ManualFact], as_of: dt.date) -> list[Interval]:
    """M6 (cl. 21, 57): one month from the application date."""
    out: list[Interval] = []
    for inc in manual:
        if inc.delivered_on > as_of:
            continue
        out.append(
            Interval(
                inc.application_date,
                add_months(inc.application_date, 1),
                MANUAL,
                inc.group,
                "M6",
                inc,
            )
        )
    return out


def _manual_ref(inc: ManualFact) -> dict[str, Any]:
    return {
        "kind": "manual_inclusion",
        "id": inc.inclusion_id,
        "group": inc.group,
        "application_date": inc.application_date.isoformat(),
        "delivered_on": inc.delivered_on.isoformat(),
        "loaded_at": inc.loaded_at,
    }


def base_intervals(
    facts: PersonFacts, *, as_of: dt.date, knp: Mapping[str, KnpRule], merged: bool = False
) -> list[Interval]:
    """M1-M6 with knowledge ``as_of`` (``merged``: see ``payment_intervals``)."""
    if facts.months is not None:
        months = facts.months[as_of]
    else:
        months = paid_months(in_force(facts.payments, as_of), knp)
    return [
        *category_intervals(in_force(facts.categories, as_of)),
        *payment_intervals(months, merged=merged),
        *security_intervals(facts.snapshots, as_of),
        *manual_intervals(facts.manual, as_of),
    ]


def knowledge_dates(windows: Iterable[FailureWindow], as_of: dt.date) -> set[dt.date]:
    """The knowledge dates ``intervals`` reads facts at: ``as_of`` and M7's eves."""
    return {as_of} | {min(as_of, w.starts_on - DAY) for w in windows_in_force(windows, as_of)}


def windows_in_force(windows: Iterable[FailureWindow], as_of: dt.date) -> list[FailureWindow]:
    best: dict[int, FailureWindow] = {}
    for w in windows:
        if w.delivered_on > as_of:
            continue
        held = best.get(w.window_id)
        if held is None or (w.delivered_on, w.version) > (held.delivered_on, held.version):
            best[w.window_id] = w
    return sorted(best.values(), key=lambda w: (w.starts_on, w.window_id))


def intervals(
    facts: PersonFacts,
    *,
    as_of: dt.date,
    knp: Mapping[str, KnpRule],
    windows: Sequence[FailureWindow] = (),
    base: list[Interval] | None = None,
    merged: bool = False,
) -> list[Interval]:
    """All intervals M1-M7 known on ``as_of``.

    M7 (cl. 13): a window ``[fs, fe)`` covers whoever was insured on ``fs - 1``
    by the other rules, judged with knowledge ``min(as_of, fs - 1)``.
    ``base`` may pass M1-M6 already computed for ``as_of`` (reused when a window
    starts after ``as_of``). ``merged``: the paid months' intervals joined (for a
    timeline, not an explanation; see ``payment_intervals``).
    """
    out = (
        list(base)
        if base is not None
        else base_intervals(facts, as_of=as_of, knp=knp, merged=merged)
    )
    for window in windows_in_force(windows, as_of):
        eve = window.starts_on - DAY
        known = min(as_of, eve)
        seen = out if known == as_of else base_intervals(facts, as_of=known, knp=knp, merged=merged)
        if any(i.contains(eve) for i in seen if i.basis != FREEZE):
            end = window.ends_on or OPEN
            if end > window.starts_on:
                out.append(Interval(window.starts_on, end, FREEZE, None, "M7", window))
    return out


def _window_ref(window: FailureWindow) -> dict[str, Any]:
    return {
        "kind": "technical_failure",
        "id": window.window_id,
        "starts_on": window.starts_on.isoformat(),
        "ends_on": _iso(window.ends_on),
        "delivered_on": window.delivered_on.isoformat(),
    }


# How each rule's fact is described in an explanation.
_DESCRIBE = {
    "M1": _category_ref,
    "M2": _category_ref,
    "M3": _paid_month_ref,
    "M4": _paid_month_ref,
    "M5": _snapshot_ref,
    "M6": _manual_ref,
    "M7": _window_ref,
}


# Timeline and answer ------------------------------------------------------------


class Segment(NamedTuple):
    """A stretch of days with one winning basis (the store keeps these)."""

    start: dt.date
    end: dt.date
    basis: str
    category: str | None


def timeline(all_intervals: Sequence[Interval]) -> list[Segment]:
    """The union cut where the winning basis changes; adjacent equal segments joined.

    First, intervals of the same basis and category that overlap or touch are merged
    (the union of each rank is all that decides the timeline, and a year of paid
    months is then one interval, not twelve). Then a sweep over the interval ends:
    the live intervals between two consecutive ends are the same for the whole
    stretch, and the best-ranked one wins it. Live intervals are kept as
    ``(basis rank, category rank, category, end, basis, category)`` tuples, so the
    best is the plain minimum.
    """
    if not all_intervals:
        return []
    category_rank = _CATEGORY_RANK.get
    keyed = sorted(
        (
            _BASIS_RANK[i.basis],
            category_rank(i.category or "", 99),
            i.category or "",
            i.start,
            i.end,
            i.basis,
            i.category,
        )
        for i in all_intervals
    )
    merged: list[list] = []
    held = None
    for item in keyed:
        if held is not None and held[:3] == item[:3] and item[3] <= held[4]:
            if item[4] > held[4]:
                held[4] = item[4]
            continue
        held = list(item)
        merged.append(held)
    merged.sort(key=itemgetter(3))
    points = sorted({m[3] for m in merged} | {m[4] for m in merged})
    out: list[Segment] = []
    live: list[tuple] = []
    nxt, count = 0, len(merged)
    last_end = last_basis = last_category = None
    for start, end in zip(points, points[1:], strict=False):
        while nxt < count and merged[nxt][3] <= start:
            m = merged[nxt]
            live.append((m[0], m[1], m[2], m[4], m[5], m[6]))
            nxt += 1
        live = [x for x in live if x[3] > start]
        if not live:
            continue
        best = min(live)
        basis, category = best[4], best[5]
        if last_end == start and last_basis == basis and last_category == category:
            out[-1] = Segment(out[-1].start, end, basis, category)
        else:
            out.append(Segment(start, end, basis, category))
        last_end, last_basis, last_category = end, basis, category
    return out


def answer_from_segments(
    segments: Sequence[Segment], *, iin: str, on: dt.date, as_of: dt.date
) -> Answer:
    """insured, basis, category, covered_until of ``on`` from a person's timeline."""
    for n, seg in enumerate(segments):
        if seg.start <= on < seg.end:
            end = seg.end
            for nxt in segments[n + 1 :]:
                if nxt.start != end:
                    break
                end = nxt.end
            start = seg.start
            for prev in reversed(segments[:n]):
                if prev.end != start:
                    break
                start = prev.start
            return Answer(
                iin=iin,
                on=on,
                as_of=as_of,
                insured=True,
                basis=seg.basis,
                category=seg.category,
                covered_until=None if end == OPEN else end - DAY,
                funding_source=FUNDING_MHI,
                covered_from=start,
            )
    return Answer(iin, on, as_of, False, None, None, None, FUNDING_GOBMP)


def explain(all_intervals: Sequence[Interval], on: dt.date) -> tuple[dict[str, Any], ...]:
    """The rules and facts of the intervals containing ``on``, winning basis first."""
    live = sorted((i for i in all_intervals if i.contains(on)), key=lambda i: i.rank)
    return tuple(
        {
            "rule": i.rule,
            "basis": i.basis,
            "category": i.category,
            "start": i.start.isoformat(),
            "end": _iso(i.end),
            "facts": list(i.facts),
        }
        for i in live
    )


def answer(
    facts: PersonFacts,
    *,
    iin: str,
    on: dt.date,
    as_of: dt.date,
    knp: Mapping[str, KnpRule],
    windows: Sequence[FailureWindow] = (),
) -> Answer:
    """The engine's answer for ``(iin, on, as_of)`` with its explanation."""
    found = intervals(facts, as_of=as_of, knp=knp, windows=windows)
    result = answer_from_segments(timeline(found), iin=iin, on=on, as_of=as_of)
    return Answer(**{**result.__dict__, "explanation": explain(found, on)})
