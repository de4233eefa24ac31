"""Post-load hook: organisations named by BIN in a feed (FEEDS.md, "Common rules").

An unknown BIN becomes a ``core.Organisation`` of the declared kind. Its name,
КАТО and ОКЭД follow the latest delivered rows: each is the last non-empty
value the file's valid rows give the BIN, unless a file of the feed with a
later delivery date is already loaded. An empty name, КАТО or ОКЭД never
erases a known one; the
region follows the КАТО's first two digits when they name a known region. An
existing organisation's kind is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from core.models import Organisation, Region

from . import sql
from .declarations import LoadContext

# Digits of a mention's place (row number times roles plus role).
PLACE_WIDTH = 20


@dataclass(frozen=True)
class OrganisationColumns:
    """Which columns of a feed name an organisation, and the kind it is registered as."""

    bin: str
    kind: str
    name: str | None = None
    kato: str | None = None
    oked: str | None = None


def _pick(column: str | None) -> str:
    return f"v.{sql.ident(column)}" if column else "''"


def register_organisations(*roles: OrganisationColumns):
    """A post-load hook registering the organisations of ``roles`` (first role's kind wins)."""

    def hook(context: LoadContext) -> None:
        valid = context.valid_table
        roles_count = len(roles)
        # A mention's place in the file (its row, then its role) as fixed-width text, so
        # that the greatest of "place || value" is the latest value: one hashed pass per
        # BIN, no sort and no second read of the rows.
        mentions = " UNION ALL ".join(
            f"SELECT v.{sql.ident(role.bin)} AS bin, {rank} AS rank, "
            f"lpad((v.row_no * {roles_count} + {rank})::text, {PLACE_WIDTH}, '0') AS place, "
            f"{_pick(role.name)} AS name, {_pick(role.kato)} AS kato, "
            f"{_pick(role.oked)} AS oked FROM {valid} AS v WHERE v.{sql.ident(role.bin)} <> ''"
            for rank, role in enumerate(roles)
        )

        def latest(attribute: str) -> str:
            return (
                f'substr(max((place || {attribute}) COLLATE "C") '
                f"FILTER (WHERE {attribute} <> ''), {PLACE_WIDTH + 1})"
            )

        kinds = " ".join(
            f"WHEN {rank} THEN {sql.literal(role.kind)}" for rank, role in enumerate(roles)
        )
        # Per BIN: the first role's kind, the latest non-empty name, КАТО and ОКЭД.
        select_org = (
            f"SELECT bin, CASE min(rank) {kinds} END AS kind, {latest('name')} AS name, "
            f"{latest('kato')} AS kato, {latest('oked')} AS oked FROM ({mentions}) AS u "
            "GROUP BY bin"
        )
        org = connection.ops.quote_name(Organisation._meta.db_table)
        region = connection.ops.quote_name(Region._meta.db_table)
        cursor = context.cursor
        cursor.execute("DROP TABLE IF EXISTS pg_temp.feed_org")
        cursor.execute(
            "CREATE TEMP TABLE feed_org ON COMMIT DROP AS "
            f"SELECT o.*, g.code AS region_id FROM ({select_org}) AS o "
            f"LEFT JOIN {region} AS g ON g.code = left(o.kato, 2)"
        )
        cursor.execute(
            f"INSERT INTO {org} (bin, name, kind, region_id, kato, oked, address, phone, email, "
            "created_at, updated_at) "
            "SELECT bin, left(COALESCE(name, bin), 500), kind, region_id, COALESCE(kato, ''), "
            "COALESCE(oked, ''), '', '', '', now(), now() FROM feed_org ORDER BY bin "
            "ON CONFLICT (bin) DO NOTHING"
        )
        if context.latest_delivery:
            cursor.execute(
                f"UPDATE {org} AS o SET name = left(COALESCE(f.name, o.name), 500), "
                "kato = COALESCE(f.kato, o.kato), oked = COALESCE(f.oked, o.oked), "
                "region_id = COALESCE(f.region_id, o.region_id), updated_at = now() "
                "FROM feed_org AS f WHERE o.bin = f.bin AND ("
                "o.name IS DISTINCT FROM left(COALESCE(f.name, o.name), 500) "
                "OR o.kato IS DISTINCT FROM COALESCE(f.kato, o.kato) "
                "OR o.oked IS DISTINCT FROM COALESCE(f.oked, o.oked) "
                "OR o.region_id IS DISTINCT FROM COALESCE(f.region_id, o.region_id))"
            )
        cursor.execute("DROP TABLE pg_temp.feed_org")

    return hook
