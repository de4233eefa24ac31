"""Feeds of the MHI registry (FEEDS.md): ``mhi_categories``, ``mhi_payments``,
``mhi_security_forces`` (seed 004 cl. 15, 18, 53, 61, ch. 5).

After a load, the people whose facts changed are queued for a status refresh
(inside the load's transaction) and the refresh task is sent once it commits.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.feeds import (
    CHOICE,
    DATE,
    DECIMAL,
    IIN_BIN,
    MONTH,
    TEXT,
    Column,
    Feed,
    FeedRefused,
    FileRule,
    Flag,
    Rule,
    register,
)
from core.feeds.pipeline import FeedSummary, import_feed_file
from core.models import FeedFile, KnpCode

from .models import (
    AUTHORITIES,
    CATEGORY_IDENTITY,
    PAYMENT_IDENTITY,
    SECURITY_IDENTITY,
    Category,
    SecurityListing,
    SecuritySnapshot,
)
from .store import queue_people

SECURITY_FEED = "mhi_security_forces"
SECURITY_NAME_RE = re.compile(
    r"^mhi_security_forces_(?P<authority>[A-Z]{3})_(?P<date>[0-9]{8})(?:_(?P<n>[0-9]{1,6}))?\.csv$"
)

NAMES = [
    Column("last_name"),
    Column("first_name", required=True, blank=True),
    Column("middle_name", required=True, blank=True),
]


def _refresh_after_commit() -> None:
    from .tasks import refresh_statuses

    transaction.on_commit(lambda: refresh_statuses.delay(), robust=True)


def queue_new_versions(context) -> None:
    """People with a new fact version in this file get their status recomputed."""
    queue_people(context.cursor, f"SELECT iin FROM {context.new_table}")
    _refresh_after_commit()


CATEGORIES = register(
    Feed(
        name="mhi_categories",
        model="mhi_registry.CategoryPeriod",
        description=_("MHI state-paid and treaty categories (State Corporation)"),
        columns=[
            Column("iin", IIN_BIN),
            *NAMES,
            Column("category", CHOICE, choices=Category.values),
            Column("assigned_on", DATE),
            Column("assigned_source", max_length=32),
            Column("removed_on", DATE, required=False),
            Column("removed_source", required=False, max_length=32),
            Column("removal_reason", required=False),
        ],
        identity=CATEGORY_IDENTITY,
        rules=[
            Rule(
                "removed_on >= assigned_on",
                column="removed_on",
                reason=_("removed_on is before assigned_on."),
            )
        ],
        post_load=[queue_new_versions],
    )
)

PAYMENTS = register(
    Feed(
        name="mhi_payments",
        model="mhi_registry.Payment",
        description=_("MHI contributions and deductions (the Fund's payment system)"),
        columns=[
            Column("iin", IIN_BIN),
            *NAMES,
            Column("payer_bin", IIN_BIN, required=False),
            Column("payer_name", required=False, max_length=500),
            Column("period", MONTH),
            Column("received_on", DATE),
            Column("reference", max_length=64),
            Column("amount_kzt", DECIMAL),
            Column("knp", TEXT, max_length=3),
        ],
        identity=PAYMENT_IDENTITY,
        # Append-mostly: a daily file adds a month's rows; partitions by month of period.
        partition_by="period",
        partition_interval="month",
        rules=[
            # A КНП not in the table loads, flagged, and gives no cover until an admin adds it.
            Flag(
                f"knp IN (SELECT code FROM {KnpCode._meta.db_table})",
                column="knp",
                reason=_("The КНП is not in the table of payment-purpose codes: no cover yet."),
            )
        ],
        post_load=[queue_new_versions],
    )
)


def security_file_name(file_name: str) -> tuple[str, dt.date, int] | None:
    """``mhi_security_forces_AUTHORITY_YYYYMMDD[_N].csv`` -> (authority, delivery date, N)."""
    match = SECURITY_NAME_RE.match(file_name)
    if not match or match["authority"] not in AUTHORITIES:
        return None
    try:
        day = dt.datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return match["authority"], day, int(match["n"] or 0)


def store_snapshot(context) -> None:
    """The file is the authority's full list from its delivery on (cl. 64, M5)."""
    parsed = security_file_name(context.feed_file.file_name)
    if parsed is None:
        raise FeedRefused(
            gettext(
                "The file name %(name)s is not mhi_security_forces_AUTHORITY_YYYYMMDD[_N].csv "
                "with a known authority (%(authorities)s)."
            )
            % {"name": context.feed_file.file_name, "authorities": ", ".join(AUTHORITIES)}
        )
    authority, _day, sequence = parsed
    cursor = context.cursor
    # Every row read (valid or not) must name the file's authority: else the file is refused.
    cursor.execute("SELECT count(*) FROM feed_checked WHERE authority <> %s", [authority])
    if cursor.fetchone()[0]:
        raise FeedRefused(
            gettext("Rows name another authority than the file name (%(authority)s).")
            % {"authority": authority}
        )
    cursor.execute(f"SELECT min(effective_on) FROM {context.valid_table}")
    effective_on = cursor.fetchone()[0]
    snapshot = SecuritySnapshot.objects.create(
        authority=authority,
        delivered_on=context.delivered_on,
        sequence=sequence,
        effective_on=effective_on,
        feed_file=context.feed_file,
    )
    listing = connection.ops.quote_name(SecurityListing._meta.db_table)
    cursor.execute(
        f"INSERT INTO {listing} (snapshot_id, iin) SELECT DISTINCT %s, iin "
        f"FROM {context.valid_table}",
        [snapshot.pk],
    )
    persons = cursor.rowcount
    SecuritySnapshot.objects.filter(pk=snapshot.pk).update(persons=persons)
    _queue_around(cursor, snapshot)


def import_security_file(path: Path, delivered_on: dt.date | None = None) -> FeedSummary:
    """Load one security-forces list (the inbox task's way).

    The pipeline skips a file whose content was loaded before. For these lists
    the content is not the delivery: an empty list, or the same staff list sent
    again later, is a new snapshot from its own delivery (cl. 64). So a
    duplicate by content under another file name becomes a snapshot of its own,
    with the listing of the file it repeats.
    """
    parsed = security_file_name(path.name)
    if delivered_on is None and parsed is not None:
        delivered_on = parsed[1]
    summary = import_feed_file(feed=SECURITY_FEED, path=path, delivered_on=delivered_on)
    if not summary.duplicate_file:
        return summary
    record = (
        FeedFile.objects.filter(
            feed=SECURITY_FEED, file_name=path.name, status=FeedFile.Status.DUPLICATE
        )
        .select_related("duplicate_of")
        .latest("id")
    )
    original = record.duplicate_of
    if SecuritySnapshot.objects.filter(feed_file__file_name=path.name).exists():
        return summary  # the same file again: nothing new
    source = SecuritySnapshot.objects.get(feed_file=original)
    if parsed is None or (parsed[0] != source.authority and source.persons):
        error = gettext("Rows name another authority than the file name (%(authority)s).") % {
            "authority": parsed[0] if parsed else "?"
        }
        FeedFile.objects.filter(pk=record.pk).update(status=FeedFile.Status.REFUSED, error=error)
        raise FeedRefused(error)
    with transaction.atomic():
        # The attempt stays recorded as a duplicate of the content it repeats.
        snapshot = SecuritySnapshot.objects.create(
            authority=parsed[0],
            delivered_on=delivered_on,
            sequence=parsed[2],
            effective_on=source.effective_on,
            persons=source.persons,
            feed_file=record,
        )
        listing = connection.ops.quote_name(SecurityListing._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {listing} (snapshot_id, iin) SELECT %s, iin FROM {listing} "
                "WHERE snapshot_id = %s",
                [snapshot.pk, source.pk],
            )
            _queue_around(cursor, snapshot)
    return summary


def _queue_around(cursor, snapshot: SecuritySnapshot) -> None:
    """Whose cover changes: the people of this list and of its neighbours in delivery order."""
    previous = (
        SecuritySnapshot.objects.filter(authority=snapshot.authority)
        .filter(delivered_on__lte=snapshot.delivered_on)
        .exclude(pk=snapshot.pk)
        .order_by("-delivered_on", "-sequence", "-id")
        .first()
    )
    following = (
        SecuritySnapshot.objects.filter(
            authority=snapshot.authority, delivered_on__gt=snapshot.delivered_on
        )
        .order_by("delivered_on", "sequence", "id")
        .first()
    )
    neighbours = [s.pk for s in (previous, following) if s is not None]
    listing = connection.ops.quote_name(SecurityListing._meta.db_table)
    queue_people(
        cursor,
        f"SELECT iin FROM {listing} WHERE snapshot_id = ANY(%s)",
        [[snapshot.pk, *neighbours]],
    )
    _refresh_after_commit()


SECURITY_FORCES = register(
    Feed(
        name=SECURITY_FEED,
        model="mhi_registry.SecurityForcesRow",
        description=_("MHI security-forces lists (one full list per authority and file)"),
        columns=[
            Column("authority", max_length=3),
            Column("effective_on", DATE),
            Column("iin", IIN_BIN),
            *NAMES,
        ],
        identity=SECURITY_IDENTITY,
        file_rules=[
            FileRule(
                "count(DISTINCT effective_on) <= 1",
                reason=_("The rows of a security-forces list must all have one effective_on."),
            )
        ],
        post_load=[store_snapshot],
        importer=import_security_file,
    )
)
