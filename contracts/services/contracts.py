"""Insurers' writes of ОСНС contracts through the API (INTERFACES.md; seed 000 cl. 4-6).

The API and the ``esbd_contracts`` feed share one identity (insurer_bin,
contract_series, contract_number) and one history: a write is a new version
with ``delivered_on`` = the day it is made and no feed file; the previous
version is kept for ``as_of`` questions. The rules are the feed's (see
``contracts.rules``): a failing ``reject`` rule is a 400 naming the column, a
``flag`` rule loads the contract and returns the flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from contracts import rules
from contracts.models import IDENTITY, OsnsContract, termination_code
from core.feeds import get_feed
from core.models import Organisation


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass
class WriteResult:
    outcome: str
    contract: OsnsContract
    flags: list[dict[str, str]]


def _columns() -> tuple[str, ...]:
    return get_feed(rules.FEED).column_names


def contract_values(contract: OsnsContract) -> dict[str, Any]:
    """The feed columns of a stored version."""
    return {name: getattr(contract, name) for name in _columns()}


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    feed = get_feed(rules.FEED)
    out = {}
    for column in feed.columns:
        value = values.get(column.name)
        if column.text_like and value is None:
            value = ""
        out[column.name] = value
    return out


def _identity(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in IDENTITY}


@transaction.atomic
def contract_write(
    *, insurer: Organisation, values: dict[str, Any], upsert: bool, today: dt.date | None = None
) -> WriteResult:
    """Store one contract of ``insurer`` (its BIN replaces any ``insurer_bin`` sent).

    Identical to the current version: ``unchanged``, nothing written. Other values
    for an existing identity: a new version when ``upsert`` (bulk, PATCH), else
    ``conflict`` (POST: use PATCH). Errors of every rule come together by column.
    """
    today = today or timezone.localdate()
    values = _normalise({**values, "insurer_bin": insurer.bin})
    if not values.get("insurer_name"):
        values["insurer_name"] = insurer.name
    errors, flags = rules.judge(values)
    if errors:
        raise ValidationError(errors)
    flags_out = [{"column": f["column"], "reason": gettext(f["reason"])} for f in flags]
    identity = _identity(values)
    with connection.cursor() as cursor:  # one writer per identity at a time
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            ["osns:" + "\x1f".join(str(identity[n]) for n in IDENTITY)],
        )
    versions = OsnsContract.objects.filter(**identity)
    current = versions.filter(is_current=True).select_for_update().first()
    if current is not None:
        if contract_values(current) == values:
            return WriteResult(Outcome.UNCHANGED, current, flags_out)
        if not upsert:
            return WriteResult(Outcome.CONFLICT, current, flags_out)
    latest = versions.aggregate(version=Max("version"), delivered=Max("delivered_on"))
    becomes_current = latest["delivered"] is None or latest["delivered"] <= today
    if becomes_current and current is not None:
        OsnsContract.objects.filter(pk=current.pk).update(is_current=False)
    contract = OsnsContract(
        **values,
        termination_code=termination_code(values["termination_reason"]),
        flags=[flag["reason"] for flag in flags],
        version=(latest["version"] or 0) + 1,
        is_current=becomes_current,
        delivered_on=today,
        feed_file=None,
    )
    contract.full_clean(validate_unique=False, validate_constraints=False)
    contract.save(force_insert=True)
    contract.refresh_from_db()
    return WriteResult(Outcome.CREATED if current is None else Outcome.UPDATED, contract, flags_out)


def contract_change(
    *, insurer: Organisation, contract: OsnsContract, changes: dict[str, Any]
) -> WriteResult:
    """PATCH: the current values with ``changes`` applied; the identity cannot change."""
    moved = [
        name for name in IDENTITY if name in changes and changes[name] != getattr(contract, name)
    ]
    if moved:
        raise ValidationError(
            {name: [_("The identity of a contract cannot change; create a new contract.")]
             for name in moved}
        )  # fmt: skip
    return contract_write(
        insurer=insurer, values={**contract_values(contract), **changes}, upsert=True
    )


def contract_terminate(
    *,
    insurer: Organisation,
    contract: OsnsContract,
    terminated_on: dt.date,
    termination_reason: str,
) -> WriteResult:
    """Seed 000 cl. 6.7-6.8: the reason and the first day the contract no longer covers."""
    return contract_change(
        insurer=insurer,
        contract=contract,
        changes={"terminated_on": terminated_on, "termination_reason": termination_reason},
    )
