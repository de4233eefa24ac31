"""The rules of the ``esbd_contracts`` declaration applied to one contract outside a file.

The insurer API and the pages judge a contract by the same SQL rules the feed
uses (FEEDS.md; INTERFACES.md: "same rules and flags as the feed"): a failing
rule of severity ``reject`` is an error naming the column, a failing rule of
severity ``flag`` is a flag. Under-insurance checks (issue list: the
workers below the registry's employees on the contract's start; a premium
under the 70 000 tenge floor, seed 002) are flags too, judged on the stored
contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.feeds import get_feed
from core.feeds import sql as feed_sql
from core.feeds.declarations import SQL_TYPES

from .models import MINIMUM_PREMIUM_KZT, EmploymentContract, OsnsContract

FEED = "esbd_contracts"


WORKERS_BELOW_REGISTRY = _(
    "workers_count is below the employees in the employment-contract registry on starts_on."
)
PREMIUM_UNDER_FLOOR = _("The premium is under the 70 000 tenge floor (seed 002).")


def judge(values: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """(errors by column, flags) of one contract's typed values under the feed's rules."""
    feed = get_feed(FEED)
    if not feed.rules:
        return {}, []
    params, selects = [], []
    for column in feed.columns:
        value = values.get(column.name)
        if column.text_like and value is None:
            value = ""
        params.append(None if value is None else str(value))
        selects.append(f"%s::{SQL_TYPES[column.type]} AS {feed_sql.ident(column.name)}")
    checks = ", ".join(f"(({rule.check}) IS NOT FALSE)" for rule in feed.rules)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {checks.replace('%', '%%')} FROM (SELECT {', '.join(selects)}) AS t", params
        )
        passed = cursor.fetchone()
    errors: dict[str, list[str]] = {}
    flags: list[dict[str, str]] = []
    for rule, ok in zip(feed.rules, passed, strict=True):
        if ok:
            continue
        reason = feed_sql.source_text(rule.reason)
        if rule.flags:
            flags.append({"column": rule.column, "reason": reason})
        else:
            errors.setdefault(rule.column, []).append(gettext(reason))
    return errors, flags


def registry_employees(pairs: Iterable[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], int]:
    """Employees (distinct IINs) of each BIN and its branches on a day, in one query."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    table = connection.ops.quote_name(EmploymentContract._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.bin, p.day, (
              SELECT count(DISTINCT e.employee_iin) FROM {table} AS e
              WHERE e.is_current AND (e.employer_bin = p.bin OR e.head_bin = p.bin)
                AND e.starts_on <= p.day AND (e.ends_on IS NULL OR e.ends_on >= p.day)
                AND (e.terminated_on IS NULL OR e.terminated_on > p.day))
            FROM unnest(%s::text[], %s::date[]) AS p(bin, day)
            """,
            [[b for b, _ in pairs], [d for _, d in pairs]],
        )
        return {(bin_, day): n for bin_, day, n in cursor.fetchall()}


def contract_flags(contracts: Iterable[OsnsContract]) -> dict[int, list[dict[str, str]]]:
    """Flags beside each stored contract: those stored with the version (the feed's flag
    rules, by the feed or the API) and the under-insurance checks against the registry."""
    contracts = list(contracts)
    columns = {feed_sql.source_text(r.reason): r.column for r in get_feed(FEED).flag_rules}
    employees = registry_employees((c.policyholder_bin, c.starts_on) for c in contracts)
    result: dict[int, list[dict[str, str]]] = {}
    for contract in contracts:
        flags = [
            {"column": columns.get(reason, ""), "reason": gettext(reason)}
            for reason in contract.flags
        ]
        if contract.premium_kzt is not None and contract.premium_kzt < MINIMUM_PREMIUM_KZT:
            if not any(f["column"] == "premium_kzt" for f in flags):
                flags.append({"column": "premium_kzt", "reason": str(PREMIUM_UNDER_FLOOR)})
        registered = employees.get((contract.policyholder_bin, contract.starts_on), 0)
        if contract.workers_count < registered:
            flags.append({"column": "workers_count", "reason": str(WORKERS_BELOW_REGISTRY)})
        result[contract.pk] = flags
    return result
