"""The entitlement engine, rule by rule (MHI_RULES.md M1-M7; seed 004 clauses cited).

Pure: no database. КНП rules here are a test table with made-up codes, so no
seeded code is assumed (the seeded table is read in test_store.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mhi_registry import engine as e

D = dt.date
IIN = "900101300015"
LATER = D(2030, 1, 1)
KNP = {
    "MS1": e.KnpRule(True, e.MONTH_START),
    "PD1": e.KnpRule(True, e.PAYMENT_DATE),
    "NC1": e.KnpRule(False, ""),
}


def cat(code, assigned, removed=None, reason="", delivered=None, version=1):
    return e.CategoryFact(code, assigned, removed, reason, delivered or assigned, version)


def pay(period, received, amount="1000", knp="MS1", ref=None, delivered=None, version=1):
    return e.PaymentFact(
        ref or f"REF-{period:%Y%m}-{received:%Y%m%d}",
        period,
        received,
        Decimal(amount),
        knp,
        delivered or received,
        version,
    )


def ask(facts, on, as_of=LATER, windows=(), knp=KNP):
    return e.answer(facts, iin=IIN, on=on, as_of=as_of, knp=knp, windows=windows)


def months(first: dt.date, count: int):
    return [e.add_months(first, n) for n in range(count)]


# M1 category, cl. 20 and 55 --------------------------------------------------------


def test_m1_cl18_category_period_covers_assigned_to_removed_exclusive():
    facts = e.PersonFacts(categories=[cat("R13", D(2025, 9, 1), D(2026, 6, 1), "death")])
    assert ask(facts, D(2025, 8, 31)).insured is False
    a = ask(facts, D(2025, 9, 1))
    assert (a.insured, a.basis, a.category, a.covered_until) == (
        True,
        e.CATEGORY,
        "R13",
        D(2026, 5, 31),
    )
    assert a.funding_source == e.FUNDING_MHI
    assert ask(facts, D(2026, 6, 1)).insured is False  # death: no retention


def test_m1_cl20_priority_fallback_between_republican_categories():
    facts = e.PersonFacts(
        categories=[cat("R12", D(2020, 1, 1)), cat("R07", D(2024, 1, 1), D(2025, 1, 1), "death")]
    )
    assert ask(facts, D(2024, 6, 1)).category == "R07"  # R07 outranks R12
    after = ask(facts, D(2025, 1, 1))
    assert (after.basis, after.category, after.covered_until) == (e.CATEGORY, "R12", None)


def test_m1_cl55_republican_outranks_local_and_local_falls_back():
    facts = e.PersonFacts(
        categories=[
            cat("L02", D(2024, 1, 1)),
            cat("L01", D(2024, 3, 1), D(2024, 5, 1)),
            cat("R14", D(2024, 4, 1), D(2024, 4, 15)),
        ]
    )
    assert ask(facts, D(2024, 2, 1)).category == "L02"
    assert ask(facts, D(2024, 3, 10)).category == "L01"
    assert ask(facts, D(2024, 4, 10)).category == "R14"
    # A category period outranks retention of another one (cl. 9 runs beside it).
    assert (ask(facts, D(2024, 6, 1)).basis, ask(facts, D(2024, 6, 1)).category) == (
        e.CATEGORY,
        "L02",
    )


def test_m1_withdrawn_period_gives_no_interval_and_no_retention():
    facts = e.PersonFacts(categories=[cat("R10", D(2025, 1, 10), D(2025, 1, 10))])
    for day in (D(2025, 1, 10), D(2025, 2, 1), D(2025, 4, 9)):
        a = ask(facts, day)
        assert a.insured is False
        assert a.funding_source == e.FUNDING_GOBMP
        assert a.explanation == ()


# M2 category retention, cl. 9 ----------------------------------------------------------


def test_m2_cl9_three_months_retention_after_removal():
    facts = e.PersonFacts(categories=[cat("R13", D(2025, 9, 1), D(2026, 5, 31))])
    a = ask(facts, D(2026, 6, 15))
    assert (a.basis, a.category) == (e.CATEGORY_RETENTION, "R13")
    # 31 May + 3 months = 31 August, exclusive: the last day covered is 30 August.
    assert a.covered_until == D(2026, 8, 30)
    assert ask(facts, D(2026, 8, 31)).insured is False


def test_m2_cl9_retention_counted_from_removed_on_whenever_delivered():
    late = cat("L01", D(2025, 1, 1), D(2025, 3, 1), delivered=D(2025, 5, 20), version=2)
    facts = e.PersonFacts(categories=[cat("L01", D(2025, 1, 1)), late])
    assert ask(facts, D(2025, 5, 31)).covered_until == D(2025, 5, 31)
    assert ask(facts, D(2025, 6, 1)).insured is False
    # Known only the open version before 20 May: still a category.
    before = ask(facts, D(2025, 5, 10), as_of=D(2025, 5, 19))
    assert (before.basis, before.covered_until) == (e.CATEGORY, None)


def test_m2_no_retention_for_f01_nor_after_death():
    facts = e.PersonFacts(
        categories=[
            cat("F01", D(2025, 1, 1), D(2025, 7, 1)),
            cat("R12", D(2020, 1, 1), D(2025, 7, 1), "DEATH"),
        ]
    )
    assert ask(facts, D(2025, 6, 30)).covered_until == D(2025, 6, 30)
    assert ask(facts, D(2025, 7, 1)).insured is False


# M3 payment month, cl. 10, 11 -------------------------------------------------------


def test_m3_cl10_paid_month_covers_from_its_first_day_even_when_paid_late_in_month():
    facts = e.PersonFacts(payments=[pay(D(2026, 3, 1), D(2026, 3, 25))])
    a = ask(facts, D(2026, 3, 1))
    assert (a.insured, a.basis) == (True, e.PAYMENT)
    # cl. 10: then three months retention (M4): April, May, June.
    assert a.covered_until == D(2026, 6, 30)
    assert ask(facts, D(2026, 7, 1)).insured is False


def test_m3_cl11_payment_date_cover_starts_on_the_payment_date():
    facts = e.PersonFacts(payments=[pay(D(2026, 3, 1), D(2026, 3, 10), knp="PD1")])
    assert ask(facts, D(2026, 3, 9)).insured is False
    a = ask(facts, D(2026, 3, 10))
    assert (a.basis, a.covered_until) == (e.PAYMENT, D(2026, 6, 30))


def test_m3_cl11_payment_date_after_the_month_counts_as_paid_for_retention_only():
    # Paid for March on 5 April (payment-date КНП): March gives no interval of its own...
    facts = e.PersonFacts(payments=[pay(D(2026, 3, 1), D(2026, 4, 5), knp="PD1")])
    assert ask(facts, D(2026, 3, 20)).insured is False
    # ... but counts as paid for M4: April-June retained.
    a = ask(facts, D(2026, 4, 1))
    assert (a.basis, a.covered_until) == (e.PAYMENT_RETENTION, D(2026, 6, 30))


def test_m3_cl10_twelve_month_window_late_payment_restores_recent_arrears_only():
    recent = pay(D(2025, 4, 1), D(2026, 4, 10))  # 12 months before: counts
    old = pay(D(2025, 3, 1), D(2026, 4, 10), ref="OLD")  # 13 months before: no cover
    facts = e.PersonFacts(payments=[recent, old])
    assert ask(facts, D(2025, 4, 15)).basis == e.PAYMENT
    assert ask(facts, D(2025, 3, 15)).insured is False
    # Known before the payment was delivered, April 2025 was not covered.
    assert ask(facts, D(2025, 4, 15), as_of=D(2026, 4, 9)).insured is False


def test_m3_cl10_advance_payment_for_a_later_period_counts():
    facts = e.PersonFacts(payments=[pay(D(2026, 9, 1), D(2026, 3, 1))])
    assert ask(facts, D(2026, 9, 30)).basis == e.PAYMENT


def test_m3_refund_makes_a_month_unpaid():
    facts = e.PersonFacts(
        payments=[
            pay(D(2026, 1, 1), D(2026, 1, 5), "2000", ref="A"),
            pay(D(2026, 1, 1), D(2026, 2, 5), "-2000", ref="B"),
        ]
    )
    assert ask(facts, D(2026, 1, 10)).insured is False
    assert ask(facts, D(2026, 2, 10)).insured is False
    # Before the refund was known the month was paid.
    assert ask(facts, D(2026, 1, 10), as_of=D(2026, 2, 4)).basis == e.PAYMENT


def test_m3_non_cover_and_unknown_knp_give_no_cover():
    facts = e.PersonFacts(
        payments=[
            pay(D(2026, 1, 1), D(2026, 1, 5), knp="NC1"),
            pay(D(2026, 2, 1), D(2026, 2, 5), knp="ZZZ", ref="Z"),
        ]
    )
    assert ask(facts, D(2026, 1, 10)).insured is False
    assert ask(facts, D(2026, 2, 10)).insured is False
    # Once the code is added to the table, the payment gives cover.
    assert ask(facts, D(2026, 2, 10), knp={**KNP, "ZZZ": KNP["MS1"]}).insured is True


# M4 payment retention, cl. 10 ---------------------------------------------------------


def test_m4_cl10_three_months_after_fewer_than_sixty_paid_months():
    pays = [pay(m, m) for m in months(D(2021, 6, 1), 59)]  # 59 months: June 2021..April 2026
    a = ask(e.PersonFacts(payments=pays), D(2026, 5, 1))
    assert (a.basis, a.covered_until) == (e.PAYMENT_RETENTION, D(2026, 7, 31))


def test_m4_cl10_six_months_after_sixty_consecutive_paid_months():
    pays = [pay(m, m) for m in months(D(2021, 5, 1), 60)]  # May 2021..April 2026
    a = ask(e.PersonFacts(payments=pays), D(2026, 5, 1))
    assert (a.basis, a.covered_until) == (e.PAYMENT_RETENTION, D(2026, 10, 31))


def test_m4_sixty_months_with_a_gap_keep_only_three():
    pays = [pay(m, m) for m in months(D(2021, 5, 1), 60) if m != D(2023, 1, 1)]
    a = ask(e.PersonFacts(payments=pays), D(2026, 5, 1))
    assert a.covered_until == D(2026, 7, 31)


def test_m4_retention_bridges_a_short_gap_between_payments():
    facts = e.PersonFacts(
        payments=[pay(D(2026, 1, 1), D(2026, 1, 5)), pay(D(2026, 4, 1), D(2026, 4, 5), ref="X")]
    )
    a = ask(facts, D(2026, 2, 15))
    assert (a.basis, a.covered_until) == (e.PAYMENT_RETENTION, D(2026, 7, 31))


# M5 security forces, cl. 62-65 -------------------------------------------------------------


def snap(authority, delivered, listed, seq=0, sid=0):
    return e.Snapshot(authority, delivered, seq, listed, sid)


def test_m5_cl64_list_covers_from_delivery_until_the_next_list():
    facts = e.PersonFacts(
        snapshots=[snap("MOD", D(2026, 1, 1), True), snap("MOD", D(2026, 1, 15), False)]
    )
    a = ask(facts, D(2026, 1, 1))
    assert (a.basis, a.category, a.covered_until) == (e.SECURITY_FORCES, None, D(2026, 1, 14))
    assert ask(facts, D(2026, 1, 15)).insured is False
    # Known before the replacement: open-ended cover.
    assert ask(facts, D(2026, 1, 20), as_of=D(2026, 1, 14)).covered_until is None
    assert ask(facts, D(2025, 12, 31)).insured is False


def test_m5_cl64_two_lists_on_one_day_only_the_last_counts():
    facts = e.PersonFacts(
        snapshots=[
            snap("MIA", D(2026, 2, 1), True, seq=0, sid=1),
            snap("MIA", D(2026, 2, 1), False, seq=1, sid=2),
        ]
    )
    assert ask(facts, D(2026, 2, 1)).insured is False
    swapped = e.PersonFacts(
        snapshots=[
            snap("MIA", D(2026, 2, 1), False, seq=0, sid=1),
            snap("MIA", D(2026, 2, 1), True, seq=1, sid=2),
        ]
    )
    assert ask(swapped, D(2026, 2, 1)).covered_until is None


def test_m5_lists_of_other_authorities_do_not_end_cover():
    facts = e.PersonFacts(
        snapshots=[snap("MOD", D(2026, 1, 1), True), snap("NSC", D(2026, 1, 10), False)]
    )
    assert ask(facts, D(2026, 3, 1)).basis == e.SECURITY_FORCES


# M6 manual inclusion, cl. 21, 57 ---------------------------------------------------------------


def test_m6_cl21_manual_inclusion_covers_one_month_with_month_end_arithmetic():
    facts = e.PersonFacts(manual=[e.ManualFact(1, "R13", D(2026, 1, 31), D(2026, 1, 31))])
    a = ask(facts, D(2026, 1, 31))
    assert (a.basis, a.category) == (e.MANUAL, "R13")
    assert a.covered_until == D(2026, 2, 27)  # 31 January + 1 month = 28 February, exclusive
    assert ask(facts, D(2026, 2, 28)).insured is False
    assert ask(facts, D(2026, 1, 31), as_of=D(2026, 1, 30)).insured is False


def test_month_arithmetic_agrees_with_relativedelta():
    from dateutil.relativedelta import relativedelta

    day = D(2023, 1, 1)
    while day < D(2029, 1, 1):
        for months in (-25, -1, 1, 3, 6, 13):
            assert e.add_months(day, months) == day + relativedelta(months=months)
        day += dt.timedelta(days=1)


def test_month_end_arithmetic_in_a_leap_year():
    assert e.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert e.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert e.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


# M7 technical failure, cl. 13 ----------------------------------------------------------------


def test_m7_cl13_failure_window_freezes_who_was_insured_the_day_before():
    facts = e.PersonFacts(categories=[cat("R13", D(2025, 9, 1), D(2026, 3, 10), "death")])
    window = e.FailureWindow(1, D(2026, 3, 10), D(2026, 3, 20), D(2026, 3, 10))
    a = ask(facts, D(2026, 3, 15), windows=[window])
    assert (a.basis, a.covered_until) == (e.FREEZE, D(2026, 3, 19))
    assert ask(facts, D(2026, 3, 20), windows=[window]).insured is False


def test_m7_cl13_judged_with_what_the_system_knew_when_it_failed():
    # The removal (back-dated to 1 March) arrived after the failure began: the freeze holds.
    facts = e.PersonFacts(
        categories=[
            cat("R13", D(2025, 9, 1), delivered=D(2025, 9, 1)),
            cat("R13", D(2025, 9, 1), D(2026, 3, 1), "death", delivered=D(2026, 3, 12), version=2),
        ]
    )
    window = e.FailureWindow(1, D(2026, 3, 10), None, D(2026, 3, 10))
    a = ask(facts, D(2026, 3, 15), windows=[window])
    assert (a.basis, a.covered_until) == (e.FREEZE, None)
    # Somebody not insured on the eve gets nothing.
    assert ask(e.PersonFacts(), D(2026, 3, 15), windows=[window]).insured is False


def test_m7_ended_window_version_in_force_on_as_of():
    facts = e.PersonFacts(categories=[cat("R13", D(2025, 9, 1), D(2026, 3, 10), "death")])
    open_w = e.FailureWindow(1, D(2026, 3, 10), None, D(2026, 3, 10), 1)
    closed = e.FailureWindow(1, D(2026, 3, 10), D(2026, 3, 12), D(2026, 3, 12), 2)
    assert ask(facts, D(2026, 3, 20), as_of=D(2026, 3, 11), windows=[open_w, closed]).insured
    assert not ask(facts, D(2026, 3, 20), windows=[open_w, closed]).insured


# as_of and the answer ------------------------------------------------------------------------------


def test_as_of_ignores_later_facts_and_later_versions():
    v1 = cat("R12", D(2024, 1, 1), delivered=D(2024, 1, 5))
    v2 = cat("R12", D(2024, 1, 1), D(2024, 2, 1), "death", delivered=D(2024, 3, 1), version=2)
    later = pay(D(2024, 5, 1), D(2024, 5, 2))
    facts = e.PersonFacts(categories=[v1, v2], payments=[later])
    past = ask(facts, D(2024, 5, 10), as_of=D(2024, 2, 15))
    assert (past.basis, past.covered_until) == (e.CATEGORY, None)
    now = ask(facts, D(2024, 5, 10))
    assert (now.basis, now.covered_until) == (e.PAYMENT, D(2024, 8, 31))
    assert ask(facts, D(2024, 1, 3), as_of=D(2024, 1, 4)).insured is False


def test_unknown_person_is_not_insured_with_an_empty_explanation():
    a = ask(e.PersonFacts(), D(2026, 1, 1))
    assert (a.insured, a.funding_source, a.explanation, a.covered_until) == (
        False,
        e.FUNDING_GOBMP,
        (),
        None,
    )
    assert set(a.as_dict(full=False)) == {
        "iin",
        "on",
        "as_of",
        "insured",
        "funding_source",
        "covered_until",
    }


def test_explanation_names_rules_and_facts_winning_basis_first():
    facts = e.PersonFacts(
        categories=[cat("R07", D(2020, 1, 1))],
        payments=[pay(D(2026, 1, 1), D(2026, 1, 5), ref="P-1")],
    )
    a = ask(facts, D(2026, 1, 10))
    assert [x["rule"] for x in a.explanation] == ["M1", "M3"]
    assert a.explanation[0]["facts"][0]["assigned_on"] == "2020-01-01"
    assert a.explanation[0]["facts"][0]["delivered_on"] == "2020-01-01"
    assert a.explanation[1]["facts"][0]["period"] == "2026-01"


def test_covered_until_follows_the_connected_stretch_across_bases():
    facts = e.PersonFacts(
        categories=[cat("R13", D(2025, 9, 1), D(2026, 1, 1), "death")],
        snapshots=[snap("MOD", D(2026, 1, 1), True), snap("MOD", D(2026, 2, 1), False)],
    )
    a = ask(facts, D(2025, 10, 1))
    assert (a.basis, a.covered_until) == (e.CATEGORY, D(2026, 1, 31))
