"""Demo annuities for the paid demo claims: on-time, at-risk and late conclusions and
payments, the past months paid (a few missed), then the annuity run for today."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from core.calendar import working_calendar
from insurance.demo import back_working_days
from insurance.models import Claim, DecisionKind

from . import services
from .run import monthly_run


def seed_annuity_demo(*, rng: random.Random, today: dt.date, users: dict) -> str:
    calendar = working_calendar()
    claims = Claim.objects.filter(
        decision__decision__in=[DecisionKind.PAY, DecisionKind.REDUCE], insured_degree=True
    ).select_related("event__contract")
    made = paid = 0
    for claim in claims.order_by("id"):
        contract = claim.event.contract
        scenario = rng.choice(["on_time", "on_time", "late", "at_risk"])
        if scenario == "at_risk":
            signed_on = back_working_days(today, 14, calendar)  # first payment due tomorrow
            documents_on = back_working_days(signed_on, 3, calendar)
        else:
            documents_on = claim.decision.decided_on
            signed_on = calendar.add_working_days(
                documents_on, rng.randint(9, 12) if scenario == "late" else rng.randint(1, 6)
            )
            signed_on = min(signed_on, today)
        starts_on = claim.degree_set_on
        ends_on = claim.degree_until
        months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month + 1
        monthly = (contract.remaining_sum_kzt / (months + 2) / 1000).quantize(Decimal("1")) * 1000
        if monthly <= 0:
            continue
        annuity = services.annuity_create(
            insurer=contract.insurer,
            claim=claim.id,
            documents_on=documents_on,
            signed_on=signed_on,
            signatory={"name": "Басқарма Төрағасы / Председатель Правления", "basis": "chairman"},
            monthly_amount_kzt=monthly,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        made += 1
        if scenario == "at_risk":
            continue
        for payment in annuity.payments.filter(due_on__lt=today).order_by("month"):
            if rng.random() < 0.12:
                continue  # missed
            late = rng.random() < 0.15
            on = (
                payment.due_on + dt.timedelta(days=rng.randint(1, 6))
                if late
                else payment.due_on - dt.timedelta(days=rng.randint(0, 4))
            )
            on = max(min(on, today), signed_on)
            services.annuity_payment_record(
                annuity=annuity, month=payment.month, paid_on=on, amount_kzt=payment.amount_kzt
            )
            paid += 1
    run = monthly_run(on=today)
    return f"{made} annuities, {paid} monthly payments, {run['flagged_missed']} flagged missed"
