"""The current-status store: each person's timeline as known today, kept fresh.

- After each feed load the people it touched are queued (``queue_people``,
  inside the load's transaction) and recomputed by ``refresh_pending``, which
  drains the queue in committed batches (a crash leaves the rest queued).
- A full rebuild (``rebuild_chunk``) recomputes the people of one IIN range (a chunk);
  ``tasks.rebuild_status_store`` runs every prefix as a Celery group, so any
  number of workers share the chunks. A chunk run twice writes the same rows.

A row answers for ``as_of`` from ``computed_for`` until ``valid_until`` (the
next future-dated fact about the person), unless the person is queued.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.db import connection, transaction
from django.utils import timezone

from . import engine
from .facts import Selection, failure_windows, knp_rules, load_people
from .models import PendingRefresh, PersonStatus, Rebuild, RebuildChunk

REFRESH_BATCH = 5000
# Chunks of a full rebuild: two per birth year YY of the IIN (YYMMDD...): months 01-09
# ("YY0") and months 10-12 with anything after them ("YY1"), so every number falls in
# one chunk and no chunk is empty by construction (200 chunks).
CHUNK_YEARS = 100


def today() -> dt.date:
    return timezone.localdate()


def segments_of(facts: engine.PersonFacts, *, as_of, knp, windows) -> list[engine.Segment]:
    return engine.timeline(
        engine.intervals(facts, as_of=as_of, knp=knp, windows=windows, merged=True)
    )


def encode(segments: list[engine.Segment]) -> list[list]:
    return [
        [
            s.start.isoformat(),
            None if s.end == engine.OPEN else s.end.isoformat(),
            s.basis,
            s.category,
        ]
        for s in segments
    ]


def decode(rows: list[list]) -> list[engine.Segment]:
    return [
        engine.Segment(
            dt.date.fromisoformat(start),
            engine.OPEN if end is None else dt.date.fromisoformat(end),
            basis,
            category,
        )
        for start, end, basis, category in rows
    ]


def stored_answer(raw: list[list], *, iin: str, on: str, as_of: str, stretch: bool = False) -> dict:
    """The trimmed answer for the day ``on`` (ISO text) from a stored timeline as kept in
    ``PersonStatus.segments`` (ISO dates compare as text), without building engine objects.

    The same answer as ``engine.answer_from_segments(decode(raw), ...)`` (the property
    test compares them); this is the look-up path's hot loop.
    """
    last = len(raw) - 1
    for n, seg in enumerate(raw):
        end = seg[1]
        if seg[0] <= on and (end is None or on < end):
            k = n
            while end is not None and k < last and raw[k + 1][0] == end:
                k += 1
                end = raw[k][1]
            data = {
                "iin": iin,
                "on": on,
                "as_of": as_of,
                "insured": True,
                "funding_source": engine.FUNDING_MHI,
                "covered_until": (
                    None if end is None else (dt.date.fromisoformat(end) - engine.DAY).isoformat()
                ),
            }
            if stretch:
                start, k = seg[0], n
                while k > 0 and raw[k - 1][1] == start:
                    k -= 1
                    start = raw[k][0]
                data["covered_from"] = start
            return data
        if seg[0] > on:
            break
    return not_insured(iin=iin, on=on, as_of=as_of, stretch=stretch)


def not_insured(*, iin: str, on: str, as_of: str, stretch: bool = False) -> dict:
    data = {
        "iin": iin,
        "on": on,
        "as_of": as_of,
        "insured": False,
        "funding_source": engine.FUNDING_GOBMP,
        "covered_until": None,
    }
    if stretch:
        data["covered_from"] = None
    return data


Timelines = dict[str, tuple[list[list], dt.date | None]]


def compute(selection: Selection, *, as_of: dt.date) -> Timelines:
    """The encoded timelines of the selected people known on ``as_of``, with valid_until."""
    knp = knp_rules()
    windows = failure_windows()
    people, later = load_people(selection, as_of=as_of, knp=knp, windows=windows)
    return {
        iin: (encode(segments_of(facts, as_of=as_of, knp=knp, windows=windows)), later.get(iin))
        for iin, facts in people.items()
    }


def write(timelines: Timelines, *, as_of: dt.date, delete: Selection | None = None) -> None:
    """Upsert the rows in one INSERT ... ON CONFLICT over arrays (no temporary table: the
    feed load sets session parameters that a temporary table used earlier would forbid).

    ``delete``: people of this selection without a timeline lose their row
    (their facts are gone), so the store holds exactly the people with facts.
    """
    table = connection.ops.quote_name(PersonStatus._meta.db_table)
    iins = list(timelines)
    payloads = [json.dumps(timelines[i][0], separators=(",", ":")) for i in iins]
    untils = [timelines[i][1] for i in iins]
    with connection.cursor() as cursor:
        if iins:
            cursor.execute(
                f"INSERT INTO {table} (iin, computed_for, segments, valid_until, refreshed_at) "
                "SELECT n.iin, %s, n.segments::jsonb, n.valid_until, now() "
                "FROM unnest(%s::varchar[], %s::text[], %s::date[]) AS n(iin, segments, valid_until) "
                "ON CONFLICT (iin) DO UPDATE SET computed_for = EXCLUDED.computed_for, "
                "segments = EXCLUDED.segments, valid_until = EXCLUDED.valid_until, "
                "refreshed_at = EXCLUDED.refreshed_at",
                [as_of, iins, payloads, untils],
            )
        if delete is not None:
            where, params = delete.where(f"{table}.iin")
            cursor.execute(
                f"DELETE FROM {table} WHERE {where} AND NOT ({table}.iin = ANY(%s))",
                [*params, iins],
            )


def queue_people(cursor, select_sql: str, params=()) -> int:
    """Queue the IINs returned by ``select_sql`` for a refresh (inside the caller's
    transaction); returns how many were queued that were not already.

    The IINs go into the queue's index in order (sorted, then made distinct): a daily file
    of 2 000 000 people is queued in about a third of the time it takes hashed, whose
    random order splits index pages all over the queue."""
    table = connection.ops.quote_name(PendingRefresh._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} (iin, queued_at) SELECT d.iin, now() FROM (SELECT DISTINCT q.iin "
        f"FROM ({select_sql}) AS q(iin) ORDER BY q.iin) AS d ON CONFLICT (iin) DO NOTHING",
        list(params),
    )
    return cursor.rowcount


def refresh_pending(*, batch: int = REFRESH_BATCH, as_of: dt.date | None = None) -> int:
    """Recompute the queued people, batch by batch; returns how many were refreshed."""
    as_of = as_of or today()
    table = connection.ops.quote_name(PendingRefresh._meta.db_table)
    done = 0
    # Batches are taken in IIN order from just after the last one taken, not from the
    # queue's head: the head's index entries are the rows already taken (deleted, not yet
    # vacuumed), which every batch would step over again. A pass that finds nothing
    # after ``last`` starts over from the lowest IIN (people queued meanwhile).
    # The batch's rows are deleted by their row addresses (a TID scan): deleted by IIN,
    # the planner could join the batch to the whole queue, which with the statistics of
    # a queue just filled by a load took over 16 minutes for one batch of 10 000.
    last = ""
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} "
                "WHERE iin > %s ORDER BY iin LIMIT %s FOR UPDATE SKIP LOCKED)) RETURNING iin",
                [last, batch],
            )
            iins = tuple(sorted(row[0] for row in cursor.fetchall()))
            if not iins:
                if last:
                    last = ""
                    continue
                return done
            last = iins[-1]
            selection = batch_selection(cursor, iins)
            write(compute(selection, as_of=as_of), as_of=as_of, delete=selection)
            done += len(iins)


# A batch read as its IIN range when the range holds at most this many stored people
# per queued one (the people of the range not queued are recomputed too, unchanged).
DENSE_BATCH = 1.25


def batch_selection(cursor, iins: tuple[str, ...]) -> Selection:
    """The facts of a batch of queued people are read by their IIN range when the
    batch is dense in it (a load that touched most people: the range scans of the
    rebuild, on partitions kept in IIN order), else by the list (a few people here
    and there: one index probe each)."""
    lo, hi = iins[0], iins[-1] + "0"  # hi: just after the last IIN (12 digits each)
    table = connection.ops.quote_name(PersonStatus._meta.db_table)
    limit = int(len(iins) * DENSE_BATCH)
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE iin >= %s AND iin < %s LIMIT %s) AS r",
        [lo, hi, limit + 1],
    )
    if cursor.fetchone()[0] <= limit:
        return Selection(lo=lo, hi=hi)
    return Selection(iins=iins)


def refresh_people(iins: list[str], *, as_of: dt.date | None = None) -> None:
    """Recompute the given people now (operators' manual inclusions)."""
    as_of = as_of or today()
    selection = Selection(iins=tuple(iins))
    with transaction.atomic():
        write(compute(selection, as_of=as_of), as_of=as_of, delete=selection)


def all_prefixes() -> list[str]:
    return [f"{year:02d}{half}" for year in range(CHUNK_YEARS) for half in (0, 1)]


def chunk_selection(prefix: str) -> Selection:
    """The IINs of one chunk: ``YY0`` <= iin < ``YY1``, or ``YY1`` <= iin < next ``YY0``."""
    if prefix.endswith("0"):
        return Selection(lo=prefix, hi=prefix[:-1] + "1")
    following = int(prefix[:-1]) + 1
    return Selection(lo=prefix, hi=f"{following:02d}0" if following < CHUNK_YEARS else ":")


def start_rebuild(*, as_of: dt.date | None = None) -> Rebuild:
    return Rebuild.objects.create(as_of=as_of or today(), chunks=len(all_prefixes()))


def rebuild_chunk(*, rebuild_id: int, prefix: str, worker: str = "") -> int:
    """Recompute every person of one IIN prefix (idempotent); returns the persons written."""
    rebuild = Rebuild.objects.get(pk=rebuild_id)
    started = time.perf_counter()
    selection = chunk_selection(prefix)
    with transaction.atomic():
        timelines = compute(selection, as_of=rebuild.as_of)
        write(timelines, as_of=rebuild.as_of, delete=selection)
        table = connection.ops.quote_name(RebuildChunk._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (rebuild_id, prefix, worker, persons, runs, seconds, done_at) "
                "VALUES (%s, %s, %s, %s, 1, %s, now()) ON CONFLICT (rebuild_id, prefix) DO UPDATE "
                f"SET runs = {table}.runs + 1, worker = EXCLUDED.worker, "
                "persons = EXCLUDED.persons, seconds = EXCLUDED.seconds, done_at = now()",
                [rebuild_id, prefix, worker, len(timelines), time.perf_counter() - started],
            )
    return len(timelines)


def rebuild_all(*, as_of: dt.date | None = None) -> Rebuild:
    """The whole store in this process (the command's and tests' way; tasks use a group)."""
    rebuild = start_rebuild(as_of=as_of)
    for prefix in all_prefixes():
        rebuild_chunk(rebuild_id=rebuild.pk, prefix=prefix, worker="local")
    Rebuild.objects.filter(pk=rebuild.pk).update(finished_at=timezone.now())
    return rebuild
