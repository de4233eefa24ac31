"""The monthly annuity run (cl. 53-56): a status pass over the schedules.

Safe to run any number of times for the same day: every step moves a row only
from an earlier status to a later one, so a second run finds nothing to do.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from insurance.models import ContractStatus, VoluntaryContract

from .models import AnnuityContract, AnnuityPayment, AnnuityStatus, MonthlyRun, PaymentStatus


@transaction.atomic
def monthly_run(*, on: dt.date) -> dict:
    """On ``on``: mark the payments of the months begun as due, flag as missed the
    unpaid ones whose due date has passed, and close annuities (cl. 53, 56) and
    voluntary contracts (cl. 47) whose term has ended."""
    month = on.replace(day=1)
    marked_due = AnnuityPayment.objects.filter(
        status=PaymentStatus.SCHEDULED, month__lte=month, contract__status=AnnuityStatus.ACTIVE
    ).update(status=PaymentStatus.DUE)
    flagged_missed = AnnuityPayment.objects.filter(
        status__in=(PaymentStatus.SCHEDULED, PaymentStatus.DUE), due_on__lt=on
    ).update(status=PaymentStatus.MISSED)
    closed = 0
    for annuity in AnnuityContract.objects.select_for_update().filter(
        status=AnnuityStatus.ACTIVE, ends_on__lt=on
    ):
        annuity.status = AnnuityStatus.ENDED
        annuity.terminated_on = annuity.ends_on
        annuity.save(update_fields=["status", "terminated_on", "updated_at"])
        closed += 1
    contracts_ended = 0
    for contract in VoluntaryContract.objects.select_for_update().filter(
        status__in=(ContractStatus.IN_FORCE, ContractStatus.AWAITING_PREMIUM), ends_on__lt=on
    ):
        contract.status = ContractStatus.ENDED
        contract.ended_on = contract.ends_on
        contract.save(update_fields=["status", "ended_on", "updated_at"])
        contracts_ended += 1
    run, _ = MonthlyRun.objects.get_or_create(month=month)
    run.marked_due += marked_due
    run.flagged_missed += flagged_missed
    run.closed += closed
    run.save()
    return {
        "month": month.isoformat(),
        "on": on.isoformat(),
        "marked_due": marked_due,
        "flagged_missed": flagged_missed,
        "annuities_closed": closed,
        "contracts_ended": contracts_ended,
    }
