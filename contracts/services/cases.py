"""An inspector's moves of a tracked case, and notices to employers (seed 002).

Seed 002: the regulator sends personal notifications to employers without a
contract and keeps them under preventive control without administrative
proceedings. Issuing a notice records it (number, date, who) and moves an open
case to ``notified``. **Decision:** the notice gives the employer 10 working
days from its date to conclude a contract.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import CaseEvent, CaseState, Notice, Resolution, ViolatorCase
from core.calendar import add_working_days
from core.models import Organisation

NOTICE_DAYS = 10


@transaction.atomic
def case_move(*, case: ViolatorCase, to_state: str, user, note: str = "") -> ViolatorCase:
    """Move a case along open -> notified -> under preventive control -> resolved.

    Only the moves of ``TRANSITIONS`` are allowed; resolving by hand needs a note.
    """
    case = ViolatorCase.objects.select_for_update().get(pk=case.pk)
    if to_state not in case.next_states:
        raise ValidationError(
            {"state": _("A case in state “%(from)s” cannot move to “%(to)s”.")
             % {"from": case.get_state_display(), "to": to_state}}
        )  # fmt: skip
    if to_state == CaseState.RESOLVED and not note.strip():
        raise ValidationError({"note": _("Say why the case is closed.")})
    before = case.state
    case.state = to_state
    if to_state == CaseState.RESOLVED:
        case.resolved_on = dt.date.today()
        case.resolution = Resolution.MANUAL
    case.save()
    CaseEvent.objects.create(
        case=case,
        by=user,
        kind=CaseEvent.Kind.STATE,
        from_state=before,
        to_state=to_state,
        details={"note": note} if note else {},
    )
    return case


@transaction.atomic
def notice_issue(*, case: ViolatorCase, user, issued_on: dt.date) -> Notice:
    """Issue a personal notice for a case in progress; an open case becomes ``notified``."""
    case = ViolatorCase.objects.select_for_update().get(pk=case.pk)
    if case.state == CaseState.RESOLVED:
        raise ValidationError({"state": _("The case is resolved: no notice is needed.")})
    address = (
        Organisation.objects.filter(bin=case.employer_bin).values_list("address", flat=True).first()
        or ""
    )
    notice = Notice.objects.create(
        case=case,
        number="",
        issued_on=issued_on,
        due_on=add_working_days(issued_on, NOTICE_DAYS),
        issued_by=user,
        employer_name=case.employer_name,
        employer_bin=case.employer_bin,
        address=address,
        employees_on_date=case.employees_on_date,
    )
    notice.number = f"ЖОМС-{case.region_id or '00'}-{issued_on.year}-{notice.pk:06d}"
    notice.save(update_fields=["number"])
    before = case.state
    if case.state == CaseState.OPEN:
        case.state = CaseState.NOTIFIED
        case.save(update_fields=["state", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        by=user,
        kind=CaseEvent.Kind.NOTICE,
        from_state=before,
        to_state=case.state,
        details={"notice": notice.number, "due_on": notice.due_on.isoformat()},
    )
    return notice


def notices_issue_for_region(*, region_code: str | None, user, issued_on: dt.date) -> list[Notice]:
    """One notice for every open case of a region (all regions when None), in one transaction."""
    with transaction.atomic():
        cases = ViolatorCase.objects.filter(state=CaseState.OPEN)
        if region_code is not None:
            cases = cases.filter(region_id=region_code)
        return [
            notice_issue(case=case, user=user, issued_on=issued_on)
            for case in cases.order_by("employer_bin")
        ]
