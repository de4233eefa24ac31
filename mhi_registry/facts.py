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


def knp_rules() -> dict[str, engine.KnpRule]:
    return {
        k.code: engine.KnpRule(k.gives_cover, k.cover_start)
        for k in KnpCode.objects.only("code", "gives_cover", "cover_start")
    }


def failure_windows() -> list[engine.FailureWindow]:
    return [w.as_fact() for w in FailureWindow.objects.all()]


# M3: per person and month, of the payment versions in force at the knowledge date: the net
# of cover-giving КНП rows paid within twelve months before their received_on (the period
# no more than twelve months before the month of received_on, i.e. received_on before
# the first day of period + 13 months); of those, the month-start net and the first day of
# the positive payment-date rows. One sort: the versions are picked in (iin, period) order
# and grouped in the same order. Every person with a payment gets rows (net 0 when nothing
# counts): such a person is known to the store. The sums travel as their signs (-1, 0,
# 1): M3 and M4 only compare them with zero, and an integer is read faster than a
# decimal (explanations, which show the amounts, are made from the facts themselves).
MONTHS_SQL = """
    SELECT iin, period,
           sign(COALESCE(sum(amount_kzt) FILTER (WHERE counted), 0))::int,
           sign(COALESCE(sum(amount_kzt) FILTER (WHERE counted AND knp = ANY(%s)), 0))::int,
           min(received_on) FILTER (WHERE counted AND knp = ANY(%s) AND amount_kzt > 0)
    FROM (
        SELECT iin, period, received_on, amount_kzt, knp,
               knp = ANY(%s) AND received_on < period + interval '13 months' AS counted
        FROM (
            SELECT DISTINCT ON (iin, period, reference)
                   iin, period, reference, received_on, amount_kzt, knp
            FROM {payment} WHERE {where} AND delivered_on <= %s
            ORDER BY iin, period, reference, delivered_on DESC, version DESC
        ) AS v
    ) AS p
    GROUP BY iin, period
"""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def knp_lists(knp: dict[str, engine.KnpRule]) -> tuple[list[str], list[str], list[str]]:
    """The cover-giving КНП codes, and of them the month-start and the payment-date ones."""
    covering = [code for code, rule in knp.items() if rule.gives_cover]
    return (
        covering,
        [code for code in covering if knp[code].cover_start == engine.MONTH_START],
        [code for code in covering if knp[code].cover_start == engine.PAYMENT_DATE],
    )


def load_people(
    selection: Selection,
    *,
    as_of: dt.date,
    knp: dict[str, engine.KnpRule],
    windows: list[engine.FailureWindow] = (),
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
        for iin, code, assigned, removed, reason, delivered, version, loaded in cursor.fetchall():
            person = people[iin]
            person.categories = [
                *person.categories,
                engine.CategoryFact(
                    code, assigned, removed, reason, delivered, version, loaded.isoformat()
                ),
            ]
        months: dict[str, dict] = defaultdict(dict)
        knowledge = engine.knowledge_dates(windows, as_of)
        covering, month_start, payment_date = knp_lists(knp)
        for known in sorted(knowledge):
            cursor.execute(
                MONTHS_SQL.format(payment=_table(Payment), where=where),
                [month_start, payment_date, covering, *params, known],
            )
            month_pay = engine.MonthPay
            for iin, period, net, net_ms, first in cursor.fetchall():
                months[iin].setdefault(known, {})[period] = month_pay(net, net_ms, first)
        # Whoever paid anything by as_of is a known person, even without cover-giving rows.
        for iin, held in months.items():
            if as_of in held:
                people[iin].months = held
        lwhere, lparams = selection.where("l.iin")
        cursor.execute(
            f"SELECT l.iin, l.snapshot_id FROM {_table(SecurityListing)} AS l "
            f"JOIN {_table(SecuritySnapshot)} AS s ON s.id = l.snapshot_id "
            f"WHERE {lwhere} AND s.delivered_on <= %s",
            [*lparams, as_of],
        )
        listed: dict[str, set[int]] = defaultdict(set)
        for iin, snapshot_id in cursor.fetchall():
            listed[iin].add(snapshot_id)
        cursor.execute(
            f'SELECT id, iin, "group", application_date, delivered_on, loaded_at '
            f"FROM {_table(ManualInclusion)} WHERE {where} AND delivered_on <= %s",
            [*params, as_of],
        )
        for pk, iin, group, applied, delivered, loaded in cursor.fetchall():
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
