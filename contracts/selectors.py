"""Reads of the contracts app: an insurer's contracts, violators on a day, cases, coverage.

Scope (INTERFACES.md § Who uses what): an insurer reads only contracts with its
own BIN; an inspector reads violators and cases of their own region; chief
inspectors and admins read every region.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.models import FeedFile, FeedRejection, Role
from core.roles import role_of, user_region_code

from . import coverage
from .models import CaseState, CoverageSnapshot, EmploymentContract, OsnsContract, ViolatorCase

INSPECTOR_ROLES = (Role.INSPECTOR, Role.CHIEF_INSPECTOR, Role.ADMIN)


def may_see_violators(user) -> bool:
    return role_of(user) in INSPECTOR_ROLES


def region_scope(user) -> str | None:
    """The one region an inspector sees; None for every region."""
    return user_region_code(user)


# --- an insurer's contracts ----------------------------------------------------------


def with_contract_id(queryset: QuerySet[OsnsContract]) -> QuerySet[OsnsContract]:
    """Annotate ``contract_id``: the id of the identity's first version (stable across versions)."""
    first = OsnsContract.objects.filter(
        insurer_bin=OuterRef("insurer_bin"),
        contract_series=OuterRef("contract_series"),
        contract_number=OuterRef("contract_number"),
        version=1,
    ).values("pk")[:1]
    return queryset.annotate(contract_id=Subquery(first))


def insurer_contracts(*, insurer_bin: str) -> QuerySet[OsnsContract]:
    """The current version of every contract of the insurer, newest change last."""
    return with_contract_id(
        OsnsContract.objects.current().filter(insurer_bin=insurer_bin)
    ).order_by("loaded_at", "pk")


# How far back the insurer's page lists the rows the contracts feed refused.
REJECTIONS_DAYS = 90


def insurer_rejections(
    *, insurer_bin: str, today: dt.date | None = None
) -> QuerySet[FeedRejection]:
    """The rows of the insurer's own that the contracts feed refused in the files delivered
    in the last ``REJECTIONS_DAYS`` days, newest file first."""
    today = today or timezone.localdate()
    files = FeedFile.objects.filter(
        feed="esbd_contracts",
        status=FeedFile.Status.LOADED,
        delivered_on__gte=today - dt.timedelta(days=REJECTIONS_DAYS),
    )
    return (
        FeedRejection.objects.filter(
            feed_file__in=files, owner=insurer_bin, kind=FeedRejection.Kind.REJECT
        )
        .select_related("feed_file")
        .order_by("-feed_file__delivered_on", "-feed_file_id", "row_number", "id")
    )


def insurer_contract(*, insurer_bin: str, contract_id: int) -> OsnsContract | None:
    """The current version of the insurer's contract whose any version has id ``contract_id``;
    None for another insurer's contract (its existence must not leak)."""
    version = OsnsContract.objects.filter(pk=contract_id, insurer_bin=insurer_bin).first()
    if version is None:
        return None
    return with_contract_id(
        OsnsContract.objects.current().filter(
            insurer_bin=version.insurer_bin,
            contract_series=version.contract_series,
            contract_number=version.contract_number,
        )
    ).first()


def contract_history(contract: OsnsContract) -> QuerySet[OsnsContract]:
    return OsnsContract.objects.filter(
        insurer_bin=contract.insurer_bin,
        contract_series=contract.contract_series,
        contract_number=contract.contract_number,
    ).order_by("version")


# --- violators on a day ----------------------------------------------------------------

SORTS = {
    "employees": "employees_on_date DESC, employer_bin",
    "-employees": "employees_on_date, employer_bin",
    "bin": "employer_bin",
    "name": "employer_name, employer_bin",
}


@dataclass
class ViolatorPage:
    total: int
    rows: list[dict[str, Any]]


LIST_CACHE_SECONDS = 15 * 60


def _violator_bins(cursor, *, on: dt.date, region: str | None, sort: str) -> list[str]:
    """The ordered BINs of the violators on ``on``; kept in the cache until a fact changes."""
    order = SORTS[sort]
    key = "osns:violators:" + ":".join(
        [on.isoformat(), region or "all", sort, coverage.facts_stamp(cursor).replace(" ", "")]
    )
    bins = cache.get(key)
    if bins is None:
        params: dict[str, Any] = {"on": on, "region": region}
        where = "v.region = %(region)s" if region is not None else ""
        cursor.execute(coverage.violators_sql(where=where, order=order, bins_only=True), params)
        bins = [row[0] for row in cursor.fetchall()]
        cache.set(key, bins, LIST_CACHE_SECONDS)
    return bins


def violators_page(
    *, on: dt.date, region: str | None, limit: int, offset: int, sort: str = "employees"
) -> ViolatorPage:
    """One page of the employers obliged and not covered on ``on``.

    The whole list is one set-based query (``contracts.coverage``); its ordered BINs
    are cached under a stamp of the facts, so the next pages cost a query over the
    page's employers only.
    """
    sort = sort if sort in SORTS else "employees"
    order = SORTS[sort]
    with connection.cursor() as cursor:
        bins = _violator_bins(cursor, on=on, region=region, sort=sort)
        page_bins = bins[offset : offset + limit]
        rows: list[dict[str, Any]] = []
        if page_bins:
            cursor.execute(
                coverage.violators_sql(order=order, only_bins=True),
                {"on": on, "bins": page_bins},
            )
            names = [c.name for c in cursor.description]
            by_bin = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
            rows = [by_bin[b] for b in page_bins if b in by_bin]
    cases = dict(
        ViolatorCase.objects.exclude(state=CaseState.RESOLVED)
        .filter(employer_bin__in=[r["employer_bin"] for r in rows])
        .values_list("employer_bin", "pk")
    )
    for row in rows:
        row["case"] = cases.get(row["employer_bin"])
    return ViolatorPage(total=len(bins), rows=rows)


# --- tracked cases -----------------------------------------------------------------------


def case_list(*, user) -> QuerySet[ViolatorCase]:
    if not may_see_violators(user):
        return ViolatorCase.objects.none()
    queryset = ViolatorCase.objects.select_related("region")
    region = region_scope(user)
    if region is not None:
        queryset = queryset.filter(region_id=region)
    return queryset


def case_get(*, user, pk: int) -> ViolatorCase | None:
    return case_list(user=user).filter(pk=pk).first()


def case_contracts(case: ViolatorCase) -> QuerySet[OsnsContract]:
    """Every version of every ОСНС contract of the employer and of its head."""
    bins = [case.employer_bin] + ([case.head_bin] if case.head_bin else [])
    return OsnsContract.objects.filter(policyholder_bin__in=bins).order_by(
        "starts_on", "insurer_bin", "contract_number", "version"
    )


def employment_over_time(*, employer_bin: str, days: list[dt.date]) -> list[tuple[dt.date, int]]:
    """Employees (distinct IINs) of the employer on each day, from the facts in force now."""
    table = coverage.EMPLOYMENT
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT d.day, count(DISTINCT e.employee_iin) FILTER (WHERE e.id IS NOT NULL)
            FROM unnest(%s::date[]) AS d(day)
            LEFT JOIN {table} AS e ON e.is_current AND e.employer_bin = %s
              AND e.starts_on <= d.day AND (e.ends_on IS NULL OR e.ends_on >= d.day)
              AND (e.terminated_on IS NULL OR e.terminated_on > d.day)
            GROUP BY d.day ORDER BY d.day
            """,
            [days, employer_bin],
        )
        return cursor.fetchall()


def employment_contracts_of(employer_bin: str) -> QuerySet[EmploymentContract]:
    return EmploymentContract.objects.filter(employer_bin=employer_bin, is_current=True)


# --- coverage ------------------------------------------------------------------------------


def coverage_by_region(*, on: dt.date) -> list[dict[str, Any]]:
    """Obliged and covered employers per region on ``on``, computed now (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(coverage.COVERAGE_BY_REGION, {"on": on})
        return [
            {"region": region, "obliged": obliged, "covered": covered}
            for region, obliged, covered in cursor.fetchall()
        ]


def coverage_history(*, days: list[dt.date], region: str | None) -> dict[dt.date, tuple[int, int]]:
    """(obliged, covered) per day from the daily scan's snapshots (missing days left out)."""
    queryset = CoverageSnapshot.objects.filter(on__in=days)
    if region is not None:
        queryset = queryset.filter(region_id=region)
    result: dict[dt.date, tuple[int, int]] = {}
    for snap in queryset:
        obliged, covered = result.get(snap.on, (0, 0))
        result[snap.on] = (obliged + snap.obliged, covered + snap.covered)
    return result
