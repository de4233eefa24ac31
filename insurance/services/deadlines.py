"""Every deadline of seed 001, computed with the working-day calendar (core.calendar).

The day of the triggering fact is not counted: ``due_on`` = that day + N working
days (INTERFACES.md). The N comes from the contract's rules set.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist

from core.calendar import WorkingCalendar, working_calendar
from core.models import MciRate

from ..models import RulesSet


def _cal(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar or working_calendar()


def notice_due_on(rules: RulesSet, learned_on: dt.date, calendar=None) -> dt.date:
    """Cl. 25.4: the policyholder tells the insurer within 3 working days of learning."""
    return _cal(calendar).add_working_days(learned_on, rules.notice_working_days)


def decision_due_on(rules: RulesSet, all_documents_on: dt.date, calendar=None) -> dt.date:
    """Cl. 23.4, 46: pay or refuse within 7 working days of all documents."""
    return _cal(calendar).add_working_days(all_documents_on, rules.decision_working_days)


def reimbursement_due_on(rules: RulesSet, documents_on: dt.date, calendar=None) -> dt.date:
    """Cl. 34: additional expenses reimbursed within 7 working days of their documents."""
    return _cal(calendar).add_working_days(documents_on, rules.reimbursement_working_days)


def missing_documents_due_on(working_days: int, received_on: dt.date, calendar=None) -> dt.date:
    """Cl. 9.11: the contract states the term for telling of missing documents."""
    return _cal(calendar).add_working_days(received_on, working_days)


def annuity_conclusion_due_on(rules: RulesSet, documents_on: dt.date, calendar=None) -> dt.date:
    """Cl. 25.15: the annuity contract is concluded within 7 working days of documents."""
    return _cal(calendar).add_working_days(documents_on, rules.annuity_conclusion_working_days)


def first_annuity_payment_due_on(rules: RulesSet, signed_on: dt.date, calendar=None) -> dt.date:
    """Cl. 32: the first annuity payment within 15 working days of signing."""
    return _cal(calendar).add_working_days(signed_on, rules.first_annuity_payment_working_days)


def expenses_cap_kzt(rules: RulesSet, degree_first_set_on: dt.date) -> Decimal | None:
    """Cl. 35-37: 250 MCI of the fiscal year the degree was first set; None if no MCI."""
    try:
        mci = MciRate.objects.get(year=degree_first_set_on.year)
    except ObjectDoesNotExist:
        return None
    return (mci.amount_kzt * rules.expenses_cap_mci).quantize(Decimal("0.01"))
