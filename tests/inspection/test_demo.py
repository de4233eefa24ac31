"""The demo data: a year of inspections and accidents in every region, valid and
reproducible (INTERFACES.md § Management commands, seed_demo)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min

from core.models import MciRate, Region
from inspection import services
from inspection.demo import seed_inspection_demo
from inspection.models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    InspectionKind,
    Investigation,
    Referral,
    Removal,
    Suspension,
    Victim,
    VictimOutcome,
    Violation,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
YEAR_AGO = dt.date(2025, 12, 1)


class Rollback(Exception):
    pass


def fingerprint(inspection_ids=None, accident_ids=None) -> tuple:
    """Everything the demo wrote (or the records named), without ids and timestamps."""
    inspection_rows = Inspection.objects.order_by("id")
    accident_rows = Accident.objects.order_by("id")
    if inspection_ids is not None:
        inspection_rows = inspection_rows.filter(pk__in=inspection_ids)
        accident_rows = accident_rows.filter(pk__in=accident_ids)
    inspections = tuple(
        (
            i.region_id,
            i.subject_bin,
            i.subject_iin,
            i.subject_name,
            i.kind,
            i.started_on,
            i.completed_on,
            tuple((v.description, v.detected_on, v.eliminated_on) for v in i.violations.all()),
            tuple((f.imposed_on, f.amount_kzt) for f in i.fines.all()),
            tuple(r.sent_on for r in i.referrals.all()),
        )
        for i in inspection_rows.prefetch_related("violations", "fines", "referrals")
    )
    accidents = tuple(
        (
            a.kato,
            a.occurred_on,
            a.employer_bin,
            tuple((v.iin, v.full_name, v.outcome) for v in a.victims.all()),
        )
        for a in accident_rows.prefetch_related("victims")
    )
    return inspections, accidents


@pytest.fixture
def demo_users(make_user):
    users = {"chief": make_user("chief_inspector")}
    for code in ("75", "71"):
        users[f"inspector.{code}"] = make_user("inspector", region=code)
    return users


@pytest.fixture
def seeded(demo_users):
    seed_inspection_demo(rng=random.Random(7), today=TODAY, users=demo_users)
    return demo_users


def test_every_region_has_a_year_of_inspections_and_accidents(seeded):
    regions = set(Region.objects.values_list("code", flat=True))
    assert len(regions) == 20
    assert set(Inspection.objects.values_list("region_id", flat=True)) == regions
    assert set(Accident.objects.values_list("region_id", flat=True)) == regions
    months = Inspection.objects.values("region").annotate(
        first=Min("started_on"), last=Max("started_on")
    )
    for row in months:
        assert row["first"] >= YEAR_AGO and row["last"] <= TODAY
    assert Accident.objects.aggregate(m=Min("occurred_on"))["m"] >= YEAR_AGO
    assert Accident.objects.aggregate(m=Max("occurred_on"))["m"] <= TODAY


def test_demo_covers_every_kind_of_record(seeded):
    assert set(Inspection.objects.values_list("kind", flat=True)) == set(InspectionKind.values)
    assert Inspection.objects.filter(completed_on__isnull=True).exists()
    assert Inspection.objects.filter(subject_iin__isnull=False).exists()
    assert Violation.objects.filter(eliminated_on__isnull=False).exists()
    assert Violation.objects.filter(eliminated_on__isnull=True).exists()
    assert Suspension.objects.values("kind").distinct().count() == 3
    assert Removal.objects.exists() and Fine.objects.exists()
    assert Referral.objects.filter(inspection__isnull=False).exists()
    assert Referral.objects.filter(investigation__isnull=False).exists()
    assert CriminalCase.objects.filter(
        investigation__isnull=False, persons_prosecuted__gte=1
    ).exists()
    assert set(Victim.objects.values_list("outcome", flat=True)) == set(VictimOutcome.values)
    assert Victim.objects.filter(iin__isnull=True).exists()
    group = Accident.objects.annotate(n=Count("victims")).filter(n__gte=2)
    assert group.exists()
    assert Investigation.objects.filter(
        by_state_inspector=True, completed_on__isnull=False
    ).exists()
    assert not Accident.objects.annotate(n=Count("victims")).filter(n=0).exists()


def test_fines_are_whole_multiples_of_the_mci(seeded):
    rates = dict(MciRate.objects.values_list("year", "amount_kzt"))
    for fine in Fine.objects.all():
        rate = rates.get(fine.imposed_on.year, rates[max(rates)])
        assert fine.amount_kzt > 0
        assert (fine.amount_kzt / rate) % 1 == Decimal(0)


def test_records_are_written_by_the_regions_inspector(seeded):
    assert {i.created_by for i in Inspection.objects.filter(region_id="75")[:20]} == {
        seeded["inspector.75"]
    }
    assert {a.created_by for a in Accident.objects.filter(region_id="10")[:20]} == {seeded["chief"]}


def _every(queryset, count: int) -> list:
    """About ``count`` records spread evenly over the queryset in id order."""
    records = list(queryset.order_by("id"))
    return records[:: max(1, len(records) // count)][:count]


def _rule_breaches(update, records) -> list[tuple[int, dict]]:
    breaches = []
    for record in records:
        try:
            update(record)
        except ValidationError as exc:
            breaches.append((record.pk, exc.message_dict))
    return breaches


def test_demo_records_pass_the_services_rules(seeded):
    """Re-validate stored records through the services: an update with no changes checks
    every field and child of the record (INTERFACES.md § Inspection)."""
    chief = seeded["chief"]
    # given inspections and investigated accidents spread over every region and month
    inspections = _every(Inspection.objects.all(), 150)
    accidents = _every(Accident.objects.filter(investigation__isnull=False), 80)
    prosecuted = Accident.objects.filter(investigation__criminalcases__isnull=False).distinct()
    checked = (
        [i.pk for i in inspections],
        [a.pk for a in accidents] + list(prosecuted.values_list("pk", flat=True)),
    )
    before = fingerprint(*checked)

    # when each is re-validated through its update service with no changes
    breaches = _rule_breaches(
        lambda i: services.inspection_update(inspection=i, acting_user=chief), inspections
    ) + _rule_breaches(
        lambda a: services.accident_update(accident=a, acting_user=chief),
        [*accidents, *prosecuted.order_by("id")],
    )

    # then none breaks a rule, and nothing the demo wrote changed
    assert len(inspections) >= 100 and len(accidents) >= 50 and prosecuted.exists()
    assert breaches == []
    assert fingerprint(*checked) == before


def test_the_same_seed_gives_the_same_data(demo_users):
    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                seed_inspection_demo(rng=random.Random(11), today=TODAY, users=demo_users)
                runs.append(fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert runs[0] == runs[1] and len(runs[0][0]) > 1000
    with transaction.atomic():
        seed_inspection_demo(rng=random.Random(12), today=TODAY, users=demo_users)
        assert fingerprint() != runs[0]
