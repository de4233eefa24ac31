"""Reading the facts of many people at once for the engine (set-based SQL, one query per kind).

``load_people`` answers "the facts of these people, as known on ``as_of``"
for a list of IINs or an IIN range; the single-person engine path
(``selectors.person_facts``) reads every version instead and lets the engine
choose, so the property test comparing the two checks this SQL against the
engine's own ``as_of`` rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from core.models import KnpCode

from . import engine
from .models import (
    CategoryPeriod,
    FailureWindow,
    ManualInclusion,
    Payment,
    SecurityListing,
    SecuritySnapshot,
)


@dataclass(frozen=True)
class Selection:
    """Which people: ``iins`` (a list) or the range ``lo <= iin < hi``."""

    iins: tuple[str, ...] | None = None
    lo: str = ""
    hi: str = ""

    def where(self, column: str = "iin") -> tuple[str, list]:
        if self.iins is not None:
            return f"{column} = ANY(%s)", [list(self.iins)]
        return f"{column} >= %s AND {column} < %s", [self.lo, self.hi]


def prefix_selection(prefix: str) -> Selection:
    """The IINs starting with ``prefix`` (a digit string)."""
    upper = str(int(prefix) + 1).zfill(len(prefix)) if prefix else ""
    return Selection(lo=prefix, hi=upper if len(upper) == len(prefix) else ":")


def knp_rules() -> dict[str, engine.KnpRule]:
    return {
        k.code: engine.KnpRule(k.gives_cover, k.cover_start)
        for k in KnpCode.objects.only("code", "gives_cover", "cover_start")
    }


def failure_windows() -> list[engine.FailureWindow]:
    return [w.as_fact() for w in FailureWindow.objects.all()]


# M3: per month, the net of cover-giving КНП rows paid within twelve months before their
# received_on (versions in force at the knowledge date); of those, the month-start net
# and the first day of the positive payment-date rows.
MONTHS_SQL = """
    WITH p AS (
        SELECT DISTINCT ON (reference, iin, period) iin, period, received_on, amount_kzt, knp
        FROM {payment} WHERE {where} AND delivered_on <= %s
        ORDER BY reference, iin, period, delivered_on DESC, version DESC
    )
    SELECT p.iin, p.period, sum(p.amount_kzt),
           COALESCE(sum(p.amount_kzt) FILTER (WHERE k.cover_start = %s), 0),
           min(p.received_on) FILTER (WHERE k.cover_start = %s AND p.amount_kzt > 0)
    FROM p JOIN {knp} AS k ON k.code = p.knp AND k.gives_cover
    WHERE (extract(year FROM p.received_on) * 12 + extract(month FROM p.received_on))
        - (extract(year FROM p.period) * 12 + extract(month FROM p.period)) <= 12
    GROUP BY p.iin, p.period
"""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def load_people(
    selection: Selection, *, as_of: dt.date, windows: list[engine.FailureWindow] = ()
) -> tuple[dict[str, engine.PersonFacts], dict[str, dt.date]]:
    """The facts known on ``as_of`` of the selected people, and per person the first
    delivery after ``as_of`` of a fact about them, if any.

    Category versions delivered by ``as_of`` are all read (the engine picks the one in
    force, also at a failure window's eve); M3's sums are computed in SQL for each
    knowledge date the engine will ask (``engine.knowledge_dates``).
    """
    people: dict[str, engine.PersonFacts] = defaultdict(engine.PersonFacts)
    later: dict[str, dt.date] = {}
    where, params = selection.where("iin")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT iin, category, assigned_on, "
            f"removed_on, removal_reason, delivered_on, version, loaded_at "
            f"FROM {_table(CategoryPeriod)} WHERE {where} AND delivered_on <= %s",
            [*params, as_of],
        )
        for iin, code, assigned, removed, reason, delivered, version, loaded in cursor:
            person = people[iin]
            person.categories = [
                *person.categories,
                engine.CategoryFact(
                    code, assigned, removed, reason, delivered, version, loaded.isoformat()
                ),
            ]
        months: dict[str, dict] = defaultdict(dict)
        for known in sorted(engine.knowledge_dates(windows, as_of)):
            cursor.execute(
                MONTHS_SQL.format(payment=_table(Payment), knp=_table(KnpCode), where=where),
                [*params, known, engine.MONTH_START, engine.PAYMENT_DATE],
            )
            for iin, period, net, net_ms, first in cursor:
                months[iin].setdefault(known, {})[period] = engine.MonthPay(net, net_ms, first)
        # Whoever paid anything is a known person, even without cover-giving rows.
        cursor.execute(
            f"SELECT DISTINCT iin FROM {_table(Payment)} WHERE {where} AND delivered_on <= %s",
            [*params, as_of],
        )
        for (iin,) in cursor:
            people[iin].months = months.get(iin, {})
        knowledge = engine.knowledge_dates(windows, as_of)
        lwhere, lparams = selection.where("l.iin")
        cursor.execute(
            f"SELECT l.iin, l.snapshot_id FROM {_table(SecurityListing)} AS l "
            f"JOIN {_table(SecuritySnapshot)} AS s ON s.id = l.snapshot_id "
            f"WHERE {lwhere} AND s.delivered_on <= %s",
            [*lparams, as_of],
        )
        listed: dict[str, set[int]] = defaultdict(set)
        for iin, snapshot_id in cursor:
            listed[iin].add(snapshot_id)
        cursor.execute(
            f'SELECT id, iin, "group", application_date, delivered_on, loaded_at '
            f"FROM {_table(ManualInclusion)} WHERE {where} AND delivered_on <= %s",
            [*params, as_of],
        )
        for pk, iin, group, applied, delivered, loaded in cursor:
            person = people[iin]
            person.manual = [
                *person.manual,
                engine.ManualFact(pk, group, applied, delivered, loaded.isoformat()),
            ]
        cursor.execute(
            f"SELECT iin, min(d) FROM ("
            f"SELECT iin, delivered_on AS d FROM {_table(CategoryPeriod)} WHERE {where} "
            "AND delivered_on > %s UNION ALL "
            f"SELECT iin, delivered_on FROM {_table(Payment)} WHERE {where} AND delivered_on > %s "
            f"UNION ALL SELECT iin, delivered_on FROM {_table(ManualInclusion)} WHERE {where} "
            "AND delivered_on > %s) AS f GROUP BY iin",
            [*params, as_of, *params, as_of, *params, as_of],
        )
        later.update(cursor.fetchall())
    if listed:
        snapshots = list(SecuritySnapshot.objects.all())
        future: dict[str, dt.date] = {}
        for snap in snapshots:
            if snap.delivered_on > as_of:
                held = future.get(snap.authority)
                future[snap.authority] = min(held, snap.delivered_on) if held else snap.delivered_on
        snapshots = [s for s in snapshots if s.delivered_on <= as_of]
        by_authority: dict[str, list[SecuritySnapshot]] = defaultdict(list)
        by_id = {}
        for snap in snapshots:
            by_authority[snap.authority].append(snap)
            by_id[snap.pk] = snap
        for iin, ids in listed.items():
            authorities = {by_id[i].authority for i in ids if i in by_id}
            people[iin].snapshots = [
                s.as_fact(s.pk in ids) for a in authorities for s in by_authority[a]
            ]
            for day in (future[a] for a in authorities if a in future):
                later[iin] = min(later.get(iin, day), day)
    for iin in later:
        people[iin]  # noqa: B018 - a person known only from later facts gets a row too
    for person in people.values():
        held = person.months or {}
        person.months = {known: held.get(known, {}) for known in knowledge}
    return dict(people), later
