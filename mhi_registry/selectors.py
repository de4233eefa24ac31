"""Reads of the MHI registry: status answers (store or engine), a person's facts, reports."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.prepared import execute_prepared
from core.validators import is_valid_iin_bin, validate_iin_bin

from . import engine, store
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
from .store import today

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
    if isinstance(iin, str) and is_valid_iin_bin(iin):
        return None  # the common case, without building an exception
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


# The store's rows of the asked IINs: whether each answers for the knowledge date
# (computed for it or before, valid after it, not queued for a refresh), with its
# timeline as text; one indexed query for 1 to 1 000 IINs, prepared once per
# connection. The IINs (checked: 12 digits each) travel as one comma-separated text
# ($1): psycopg2 quotes a list's items one by one, which cost more than the query for
# 1 000 of them. $2: the knowledge date.
STORE_ROWS_SQL = """
    SELECT q.iin,
           s.computed_for <= $2 AND (s.valid_until IS NULL OR $2 < s.valid_until)
           AND p.iin IS NULL,
           s.segments::text
    FROM unnest(string_to_array($1, ',')) AS q(iin)
    LEFT JOIN {status} AS s ON s.iin = q.iin
    LEFT JOIN {pending} AS p ON p.iin = q.iin
    WHERE s.iin IS NOT NULL OR p.iin IS NOT NULL
"""
STORE_ROWS_TYPES = ("text", "date")
# The audit row (who, when, through which channel, the day of care, the knowledge date,
# the IINs as asked) with its six values' placeholders and their SQL types.
AUDIT_TYPES = ("integer", "timestamptz", "text", "date", "date", "text")


def _audit_insert(marks: list[str], source: str | None = None) -> str:
    """The audit row's INSERT with the six values' placeholders: one row, or one per
    row of the query named ``source``."""
    table = connection.ops.quote_name(StatusLookup._meta.db_table)
    user, at, channel, on, as_of, iins = marks
    values = f"{user}, {at}, {channel}, {on}, {as_of}, {iins}::jsonb"
    rows = f"SELECT {values} FROM {source}" if source else f"VALUES ({values})"
    return f'INSERT INTO {table} (user_id, at, channel, "on", as_of, iins) {rows}'


def _audit_values(audit: Audit, lookup: Lookup, iins: list[Any]) -> list[Any]:
    asked = json.dumps([_text(i)[:12] for i in iins])  # as asked, each cut to 12 characters
    return [audit.user_id, timezone.now(), audit.channel, lookup.on, lookup.as_of, asked]


@dataclass(frozen=True)
class Guard:
    """A condition the store's statement checks before it writes the audit row or reads
    a row: ``sql``, a query giving at most one row when the look-up may go on, with its
    placeholders numbered from $9, their SQL ``types`` and ``params``. ``name`` tells
    the prepared statement apart from other guards'."""

    name: str
    sql: str
    types: tuple[str, ...]
    params: tuple[Any, ...]


@functools.cache
def _store_rows_statement(
    audited: bool, guard: tuple[str, str, tuple[str, ...]] | None
) -> tuple[str, str, tuple[str, ...]]:
    """(name, SQL, parameter types) of the store's statement: plain, with the audit row
    ($3-$8), or with the audit row and a guard's (name, SQL, types) from $9. Built once
    per kind: the statement is prepared once per connection, run on every look-up."""
    q = connection.ops.quote_name
    sql = STORE_ROWS_SQL.format(
        status=q(PersonStatus._meta.db_table), pending=q(PendingRefresh._meta.db_table)
    )
    marks = [f"${n}" for n in range(3, 9)]
    if guard is not None:
        name, condition, types = guard
        sql = (
            f"WITH allowed AS ({condition}), audit AS ({_audit_insert(marks, 'allowed')}) "
            "SELECT a.ok, r.* FROM (SELECT EXISTS (SELECT FROM allowed) AS ok) AS a "
            f"LEFT JOIN ({sql}) AS r ON a.ok"
        )
        return f"mhi_store_rows_{name}", sql, STORE_ROWS_TYPES + AUDIT_TYPES + types
    if audited:
        sql = f"WITH audit AS ({_audit_insert(marks)}) {sql}"
        return "mhi_store_rows_audited", sql, STORE_ROWS_TYPES + AUDIT_TYPES
    return "mhi_store_rows", sql, STORE_ROWS_TYPES


def _store_rows(
    iins: list[str],
    as_of: dt.date,
    audit: tuple[Audit, Lookup, list[Any]] | None = None,
    guard: Guard | None = None,
) -> dict[str, tuple[bool, str | None]] | None:
    """IIN -> (the row answers for ``as_of``, its timeline as JSON text), for the asked
    IINs with a row in the store or queued for a refresh.

    ``audit``: who asks, the look-up and the IINs as asked: the audit row is written by
    the same statement, so a look-up costs one round trip to the database.
    ``guard`` (with ``audit``): checked in the same statement; None when it found no
    row, and then nothing was written."""
    name, sql, types = _store_rows_statement(
        audit is not None, None if guard is None else (guard.name, guard.sql, guard.types)
    )
    params: list[Any] = [",".join(iins), as_of]
    if audit is not None:
        params += _audit_values(*audit)
    if guard is not None:
        params += guard.params
    with connection.cursor() as cursor:
        execute_prepared(cursor, name, sql, types, params)
        rows = cursor.fetchall()
    if guard is None:
        return {iin: (fresh, text) for iin, fresh, text in rows}
    if not rows[0][0]:
        return None
    return {iin: (fresh, text) for _, iin, fresh, text in rows if iin is not None}


def status_answers(
    iins: list[Any],
    *,
    lookup: Lookup,
    audit: Audit | None = None,
    checked: bool = False,
    guard: Guard | None = None,
) -> list[dict[str, Any]] | None:
    """One result per IIN, in order: the answer, or ``{iin, error}`` for a malformed IIN.

    ``audit``: who asks, through which channel; the look-up is recorded for audit
    (``record_lookup``) before any answer is computed, in the store's query when
    the store is read. ``checked``: the caller has found every item a well-formed IIN.
    ``guard``: a condition checked in the store's query (trimmed answers of checked
    IINs, with an audit): when it fails, nothing is written and the answer is None.

    Trimmed answers for ``as_of`` not before a row's ``computed_for`` (and before
    its ``valid_until``) come from the store, read in one query for the whole
    batch; whole answers (with explanation), past ``as_of`` and people queued
    for a refresh go through the engine. A person without a row in a built
    store has no facts: not insured.
    """
    if checked:
        items = [(item, None) for item in iins]
        valid = list(dict.fromkeys(iins))
    else:
        items = [(item, iin_error(item)) for item in iins]
        valid = list(dict.fromkeys(item for item, error in items if error is None))
    if guard is not None and not (valid and not lookup.full and audit is not None):
        raise ValueError("a guard is checked by the store's query: trimmed, audited answers")
    if valid and not lookup.full:
        rows = _store_rows(
            valid, lookup.as_of, (audit, lookup, iins) if audit is not None else None, guard
        )
        if rows is None:
            return None
    else:
        rows = {}
        if audit is not None:
            record_lookup(audit, lookup=lookup, iins=iins)
    store_built: bool | None = True if rows else None
    on, as_of = lookup.on.isoformat(), lookup.as_of.isoformat()
    knp = windows = None
    same: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for item, error in items:
        if error is not None:
            results.append({"iin": _text(item), "error": error})
            continue
        iin = item
        if not lookup.full:
            row = rows.get(iin)
            if row is None:
                if store_built is None:
                    store_built = PersonStatus.objects.exists()
                if store_built:
                    results.append(
                        store.not_insured(iin=iin, on=on, as_of=as_of, stretch=lookup.stretch)
                    )
                    continue
            elif row[0]:
                # People with the same timeline get the same answer: each distinct
                # timeline of the batch is parsed and read once.
                held = same.get(row[1])
                if held is None:
                    held = same[row[1]] = store.stored_answer(
                        json.loads(row[1]), iin=iin, on=on, as_of=as_of, stretch=lookup.stretch
                    )
                    results.append(held)
                else:
                    results.append({**held, "iin": iin})
                continue
        if knp is None:
            knp, windows = knp_rules(), failure_windows()
        answer = engine_answer(iin, on=lookup.on, as_of=lookup.as_of, knp=knp, windows=windows)
        results.append(answer.as_dict(full=lookup.full, stretch=lookup.stretch))
    return results


def _text(iin: Any) -> str:
    return iin if isinstance(iin, str) else str(iin)


@dataclass(frozen=True)
class Audit:
    """Who asks (a user's id, None for a command) and through which channel."""

    user_id: int | None
    channel: str


def audit_of(user, channel: str) -> Audit:
    return Audit(user.pk if user is not None and user.is_authenticated else None, channel)


def record_lookup(audit: Audit, *, lookup: Lookup, iins: list[Any]) -> None:
    """Audit: one row per request (who, when, through which channel, which IINs), never
    written to logs. A plain INSERT: this runs on every look-up."""
    with connection.cursor() as cursor:
        cursor.execute(_audit_insert(["%s"] * 6), _audit_values(audit, lookup, iins))


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
