"""The demo data has on-time, at-risk and late cases of each area."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from annuity.demo import seed_annuity_demo
from core.models import Organisation, Region
from insurance import breaches
from insurance.demo import seed_voluntary_demo
from insurance.models import Decision

from .conftest import valid

pytestmark = pytest.mark.django_db


def test_demo_has_on_time_at_risk_and_late_cases(insurer):
    for i in range(30):
        Organisation.objects.create(
            bin=valid(f"2001400{i:04d}"),
            name=f"E{i}",
            kind="employer",
            region=Region.objects.get(code="75"),
        )
    today = dt.date(2026, 11, 30)
    summary = seed_voluntary_demo(rng=random.Random(1), today=today, users={})
    summary += seed_annuity_demo(rng=random.Random(1), today=today, users={})
    assert "voluntary contracts" in summary
    late = breaches.breaches(on=today)
    assert {b.kind for b in late} >= {"late_notice", "late_decision"}
    assert breaches.at_risk(on=today)
    assert Decision.objects.filter(late=False).exists()
