"""Feed esbd_contracts (FEEDS.md; seed 000 cl. 6, seed 002): columns, checks, versions,
organisations."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import OsnsContract
from core.models import FeedFile, Organisation

from .conftest import flags_of
from .esbd_rows import (
    COLUMNS,
    EMPLOYER_BIN,
    INSURER_BIN,
    bad_check_digit,
    contract,
    make_bin,
)

pytestmark = pytest.mark.django_db


def only_flags(summary, rejections):
    """The file had one plain row (row 2) and one flagged row (row 3); both load."""
    assert (summary.rows, summary.loaded, summary.rejected, summary.flagged) == (2, 2, 0, 1)
    assert rejections == []
    flags = flags_of(summary)
    assert {f[0] for f in flags} == {3}
    number = OsnsContract.objects.get(flags__len__gt=0).contract_number
    assert number == "2", "the flags are kept beside the fact"
    return [(column, value, reason) for _, column, value, reason in flags]


def only_rejection(summary, rejections):
    """The file had one good row (row 2) and one bad row (row 3)."""
    assert summary.rows == 2
    assert (summary.loaded, summary.rejected) == (1, 1)
    assert {r[0] for r in rejections} == {3}
    return [(column, value, reason) for _, column, value, reason in rejections]


def test_cl6_every_column_is_stored(load_esbd):
    row = contract(
        contract_series="",
        termination_reason="Ликвидация страхователя",
        terminated_on="2025-06-01",
        policyholder_oked="41.20.1",
        annual_payroll_kzt="98765432.10",
        premium_kzt="123456.78",
        workers_count="17",
    )
    summary, rejections = load_esbd([row], name="esbd_contracts_20250301.csv")

    assert rejections == []
    assert summary.as_dict() == {
        "feed": "esbd_contracts",
        "file": "esbd_contracts_20250301.csv",
        "delivered_on": "2025-03-01",
        "rows": 1,
        "loaded": 1,
        "unchanged": 0,
        "superseded": 0,
        "rejected": 0,
        "flagged": 0,
        "duplicate_file": False,
    }
    fact = OsnsContract.objects.get()
    assert fact.insurer_bin == row["insurer_bin"]
    assert fact.insurer_name == row["insurer_name"]
    assert fact.contract_series == ""  # cl. 6.2: empty series stored as ""
    assert fact.contract_number == row["contract_number"]
    assert fact.policyholder_bin == row["policyholder_bin"]
    assert fact.policyholder_name == row["policyholder_name"]
    assert fact.policyholder_kato == row["policyholder_kato"]
    assert fact.policyholder_oked == "41201"  # dotted ОКЭД stored as 5 digits
    assert fact.concluded_on == dt.date.fromisoformat(row["concluded_on"])
    assert fact.starts_on == dt.date.fromisoformat(row["starts_on"])
    assert fact.ends_on == dt.date.fromisoformat(row["ends_on"])
    assert fact.termination_reason == "Ликвидация страхователя"  # verbatim
    assert fact.termination_code == "liquidation"  # derived
    assert fact.flags == []
    assert fact.terminated_on == dt.date(2025, 6, 1)
    assert fact.annual_payroll_kzt == Decimal("98765432.10")
    assert fact.premium_kzt == Decimal("123456.78")
    assert fact.workers_count == 17
    assert (fact.version, fact.is_current) == (1, True)
    assert fact.delivered_on == dt.date(2025, 3, 1)
    assert fact.feed_file == FeedFile.objects.get(status="loaded")
    assert fact.premium_below_minimum is False


def test_cl6_optional_columns_may_be_absent(load_esbd):
    columns = [
        c
        for c in COLUMNS
        if c
        not in (
            "contract_series",
            "policyholder_kato",
            "policyholder_oked",
            "termination_reason",
            "terminated_on",
        )
    ]
    summary, rejections = load_esbd([contract()], columns=columns)
    assert (summary.loaded, rejections) == (1, [])
    fact = OsnsContract.objects.get()
    assert (fact.contract_series, fact.policyholder_kato, fact.terminated_on) == ("", "", None)


def test_cl6_4_concluded_after_start_loads_flagged(load_esbd):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", concluded_on="2025-01-16")]
    )
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("concluded_on", "2025-01-16")
    assert "starts_on" in reason


def test_cl6_6_end_before_start_is_rejected(load_esbd):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", ends_on="2025-01-14")]
    )
    [(column, value, reason)] = only_rejection(summary, rejections)
    assert (column, value) == ("ends_on", "2025-01-14")
    assert "starts_on" in reason


def test_cl6_6_start_and_end_on_the_same_day_load(load_esbd):
    summary, _ = load_esbd([contract(ends_on="2025-01-15")])
    assert summary.loaded == 1


def test_term_of_twelve_months_or_more_loads_flagged(load_esbd):
    """FEEDS.md: a term with ends_on >= starts_on + 12 months is flagged (the law's 12 months)."""
    summary, rejections = load_esbd(
        [
            contract(contract_number="1", starts_on="2025-01-15", ends_on="2026-01-14"),
            contract(contract_number="2", starts_on="2025-01-15", ends_on="2026-01-15"),
            contract(
                contract_number="3",
                concluded_on="2024-02-01",
                starts_on="2024-02-29",
                ends_on="2025-02-27",
            ),
            contract(
                contract_number="4",
                concluded_on="2024-02-01",
                starts_on="2024-02-29",
                ends_on="2025-02-28",
            ),
        ]
    )
    assert (summary.loaded, summary.rejected, summary.flagged, rejections) == (4, 0, 2, [])
    flags = flags_of(summary)
    assert [(f[0], f[1], f[2]) for f in flags] == [
        (3, "ends_on", "2026-01-15"),
        (5, "ends_on", "2025-02-28"),
    ]
    assert all("12 months" in f[3] for f in flags)


def test_cl6_7_8_termination_date_without_reason_loads_flagged(load_esbd):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", terminated_on="2025-05-01")]
    )
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("termination_reason", "")
    assert "terminated_on" in reason
    assert OsnsContract.objects.get(contract_number="2").termination_code == ""


def test_cl6_7_8_termination_reason_without_date_loads_flagged(load_esbd):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", termination_reason="court")]
    )
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("terminated_on", "")
    assert "termination_reason" in reason


def test_cl6_7_unknown_termination_reason_is_kept_verbatim_with_code_other(load_esbd):
    summary, rejections = load_esbd(
        [contract(termination_reason="Банкротство  страхователя", terminated_on="2025-05-01")]
    )
    assert (summary.loaded, summary.flagged, rejections) == (1, 0, [])
    fact = OsnsContract.objects.get()
    assert (fact.termination_reason, fact.termination_code) == (
        "Банкротство  страхователя",
        "other",
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("По инициативе страхователя", "policyholder_request"),
        ("сақтанушының бастамасы бойынша", "policyholder_request"),
        ("ПО ИНИЦИАТИВЕ  СТРАХОВЩИКА.", "insurer_request"),
        ("Сақтанушының таратылуы", "liquidation"),
        ("Отзыв лицензии страховщика", "license_revoked"),
        ("Сот шешімі бойынша", "court"),
        ("по решению суда", "court"),
        ("Иное", "other"),
    ],
)
def test_cl6_7_code_is_derived_from_a_known_kazakh_or_russian_name(load_esbd, name, code):
    from contracts.models import termination_code

    load_esbd([contract(termination_reason=name, terminated_on="2025-03-01")])
    assert OsnsContract.objects.get().termination_code == code
    assert termination_code(name) == code, "the API derives the same code"


@pytest.mark.parametrize(
    "reason",
    ["policyholder_request", "insurer_request", "liquidation", "license_revoked", "court", "other"],
)
def test_cl6_7_every_listed_termination_reason_loads(load_esbd, reason):
    summary, rejections = load_esbd(
        [contract(termination_reason=reason, terminated_on="2025-03-01")]
    )
    assert (summary.loaded, rejections) == (1, [])


def test_cl6_8_terminated_before_concluded_loads_flagged(load_esbd):
    summary, rejections = load_esbd(
        [
            contract(),
            contract(contract_number="2", termination_reason="other", terminated_on="2025-01-09"),
        ]
    )
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("terminated_on", "2025-01-09")
    assert "concluded_on" in reason


def test_cl6_8_terminated_later_than_day_after_end_loads_flagged(load_esbd):
    """concluded_on <= terminated_on <= ends_on + 1 day: the day after the end is allowed."""
    summary, rejections = load_esbd(
        [
            contract(termination_reason="other", terminated_on="2026-01-15"),
            contract(contract_number="2", termination_reason="other", terminated_on="2026-01-16"),
        ]
    )
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("terminated_on", "2026-01-16")
    assert "ends_on" in reason


def test_cl6_8_termination_on_concluded_day_loads(load_esbd):
    summary, _ = load_esbd([contract(termination_reason="other", terminated_on="2025-01-10")])
    assert (summary.loaded, summary.flagged) == (1, 0)


def test_cl6_8_terminated_on_or_before_start_loads_and_covers_no_day(load_esbd):
    """Cancelled before cover began (FEEDS.md): loads, unflagged, covers no day."""
    summary, rejections = load_esbd(
        [
            contract(contract_number="1", termination_reason="other", terminated_on="2025-01-15"),
            contract(contract_number="2", termination_reason="other", terminated_on="2025-01-12"),
        ]
    )
    assert (summary.loaded, summary.rejected, summary.flagged, rejections) == (2, 0, 0, [])
    for day in ("2025-01-12", "2025-01-15", "2025-06-01", "2026-01-14"):
        assert not OsnsContract.objects.covering(dt.date.fromisoformat(day)).exists()


def test_cl6_9_negative_payroll_is_rejected_zero_loads(load_esbd):
    summary, rejections = load_esbd(
        [
            contract(annual_payroll_kzt="0"),
            contract(contract_number="2", annual_payroll_kzt="-1.00"),
        ]
    )
    [(column, value, _reason)] = only_rejection(summary, rejections)
    assert (column, value) == ("annual_payroll_kzt", "-1.00")


def test_cl6_10_negative_premium_is_rejected_zero_loads_flagged(load_esbd):
    summary, rejections = load_esbd([contract(), contract(contract_number="2", premium_kzt="0.00")])
    [(column, value, reason)] = only_flags(summary, rejections)
    assert (column, value) == ("premium_kzt", "0.00")
    assert "70 000" in reason
    summary, rejections = load_esbd([contract(contract_number="3", premium_kzt="-0.01")])
    assert (summary.loaded, summary.rejected) == (0, 1)
    assert [(r[1], r[2]) for r in rejections] == [("premium_kzt", "-0.01")]


def test_cl6_11_negative_workers_count_is_rejected(load_esbd):
    summary, rejections = load_esbd(
        [contract(workers_count="0"), contract(contract_number="2", workers_count="-3")]
    )
    [(column, value, _reason)] = only_rejection(summary, rejections)
    assert (column, value) == ("workers_count", "-3")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("annual_payroll_kzt", "1000.123"),  # more than two decimals
        ("annual_payroll_kzt", "1000,50"),  # comma decimal
        ("premium_kzt", "70 000"),
        ("premium_kzt", "abc"),
        ("workers_count", "4.5"),
        ("concluded_on", "10.01.2025"),  # not ISO
        ("starts_on", "2025-02-30"),  # no such day
        ("ends_on", "2025-13-01"),
    ],
)
def test_common_rules_malformed_cells_are_rejected(load_esbd, column, value):
    summary, rejections = load_esbd([contract(), contract(contract_number="2", **{column: value})])
    [(rejected_column, rejected_value, reason)] = only_rejection(summary, rejections)
    assert (rejected_column, rejected_value) == (column, value)
    assert reason


@pytest.mark.parametrize("column", ["insurer_bin", "policyholder_bin"])
def test_common_rules_bin_with_wrong_check_digit_is_rejected(load_esbd, column):
    wrong = bad_check_digit(contract()[column])
    summary, rejections = load_esbd([contract(), contract(contract_number="2", **{column: wrong})])
    [(rejected_column, value, reason)] = only_rejection(summary, rejections)
    assert (rejected_column, value) == (column, wrong)
    assert "check digit" in reason


@pytest.mark.parametrize("value", ["12345678901", "1234567890123", "12345678901A"])
def test_common_rules_bin_must_be_12_digits(load_esbd, value):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", policyholder_bin=value)]
    )
    [(column, rejected, reason)] = only_rejection(summary, rejections)
    assert (column, rejected) == ("policyholder_bin", value)
    assert "12 digits" in reason


def test_common_rules_kato_must_be_9_digits(load_esbd):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", policyholder_kato="75111000")]
    )
    [(column, value, _reason)] = only_rejection(summary, rejections)
    assert (column, value) == ("policyholder_kato", "75111000")


@pytest.mark.parametrize("value", ["4120", "4120.1", "41.201", "41-20-1"])
def test_common_rules_oked_must_be_5_digits_or_dotted(load_esbd, value):
    summary, rejections = load_esbd(
        [contract(), contract(contract_number="2", policyholder_oked=value)]
    )
    [(column, rejected, _reason)] = only_rejection(summary, rejections)
    assert (column, rejected) == ("policyholder_oked", value)


@pytest.mark.parametrize(
    "column",
    [
        "insurer_bin",
        "insurer_name",
        "contract_number",
        "policyholder_name",
        "concluded_on",
        "premium_kzt",
    ],
)
def test_required_cells_may_not_be_empty(load_esbd, column):
    summary, rejections = load_esbd(
        [contract(), contract(**{"contract_number": "2", column: "  "})]
    )
    [(rejected_column, value, reason)] = only_rejection(summary, rejections)
    assert (rejected_column, value) == (column, "")  # cells are trimmed: blank is empty
    assert "required" in reason


def test_a_row_may_fail_several_checks_each_recorded(load_esbd):
    summary, rejections = load_esbd(
        [
            contract(
                contract_number="2",
                insurer_bin="123",
                starts_on="2025-02-30",
                workers_count="many",
            )
        ]
    )
    assert (summary.rows, summary.rejected, summary.loaded) == (1, 1, 0)
    assert [(r[0], r[1]) for r in rejections] == [
        (2, "insurer_bin"),
        (2, "starts_on"),
        (2, "workers_count"),
    ]


def test_seed002_premium_under_70000_loads_flagged(load_esbd):
    summary, rejections = load_esbd(
        [
            contract(contract_number="1", premium_kzt="69999.99"),
            contract(contract_number="2", premium_kzt="70000"),
        ]
    )
    assert (summary.loaded, summary.flagged, rejections) == (2, 1, [])
    below = dict(OsnsContract.objects.values_list("contract_number", "premium_below_minimum"))
    assert below == {"1": True, "2": False}
    assert [(f[0], f[1], f[2]) for f in flags_of(summary)] == [(2, "premium_kzt", "69999.99")]
    assert list(OsnsContract.objects.flagged().values_list("contract_number", flat=True)) == ["1"]


def test_cl6_2_empty_series_is_part_of_the_identity(load_esbd):
    summary, _ = load_esbd([contract(contract_series=""), contract(contract_series="ОС")])
    assert (summary.loaded, summary.superseded) == (2, 0)
    assert sorted(OsnsContract.objects.values_list("contract_series", flat=True)) == ["", "ОС"]


def test_same_number_of_two_insurers_are_two_contracts(load_esbd):
    other_insurer = make_bin(random.Random(99), "0202")
    summary, _ = load_esbd([contract(), contract(insurer_bin=other_insurer)])
    assert summary.loaded == 2


def test_correction_is_a_new_version_and_the_old_answers_as_of(load_esbd):
    load_esbd([contract(workers_count="42")], name="esbd_contracts_20250301.csv")
    summary, _ = load_esbd(
        [contract(workers_count="50", termination_reason="court", terminated_on="2025-08-01")],
        name="esbd_contracts_20250310.csv",
    )
    assert (summary.loaded, summary.unchanged) == (1, 0)

    versions = list(
        OsnsContract.objects.order_by("version").values_list(
            "version", "is_current", "workers_count", "delivered_on"
        )
    )
    assert versions == [
        (1, False, 42, dt.date(2025, 3, 1)),
        (2, True, 50, dt.date(2025, 3, 10)),
    ]
    assert OsnsContract.objects.as_of(dt.date(2025, 3, 9)).get().workers_count == 42
    assert OsnsContract.objects.as_of(dt.date(2025, 3, 10)).get().workers_count == 50
    assert not OsnsContract.objects.as_of(dt.date(2025, 2, 28)).exists()
    assert OsnsContract.objects.current().get().version == 2


def test_cover_on_a_date_respects_start_end_and_termination(load_esbd):
    """FEEDS.md: covers D when starts_on <= D <= ends_on and not terminated_on <= D."""
    load_esbd([contract(termination_reason="court", terminated_on="2025-06-01")])
    covering = OsnsContract.objects.current()
    assert not covering.covering(dt.date(2025, 1, 14)).exists()
    assert covering.covering(dt.date(2025, 1, 15)).exists()
    assert covering.covering(dt.date(2025, 5, 31)).exists()
    assert not covering.covering(dt.date(2025, 6, 1)).exists()


def test_a_fact_written_by_the_api_is_the_version_a_feed_compares_to(load_esbd):
    """The insurer API writes the same facts (no feed file); the feed continues the history."""
    row = contract()
    OsnsContract.objects.create(
        insurer_bin=row["insurer_bin"],
        insurer_name=row["insurer_name"],
        contract_series=row["contract_series"],
        contract_number=row["contract_number"],
        policyholder_bin=row["policyholder_bin"],
        policyholder_name=row["policyholder_name"],
        policyholder_kato=row["policyholder_kato"],
        policyholder_oked=row["policyholder_oked"],
        concluded_on=row["concluded_on"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        annual_payroll_kzt=row["annual_payroll_kzt"],
        premium_kzt=row["premium_kzt"],
        workers_count=int(row["workers_count"]),
        version=1,
        delivered_on=dt.date(2025, 1, 20),
    )
    summary, _ = load_esbd([row], name="esbd_contracts_20250301.csv")
    assert (summary.loaded, summary.unchanged) == (0, 1)
    summary, _ = load_esbd([contract(workers_count="43")], name="esbd_contracts_20250302.csv")
    assert summary.loaded == 1
    current = OsnsContract.objects.current().get()
    assert (current.version, current.workers_count) == (2, 43)


# Organisations named by BIN (FEEDS.md, "Common rules").


def test_unknown_insurer_and_employer_are_registered_with_region_from_kato(load_esbd):
    load_esbd([contract(policyholder_kato="751110000", policyholder_oked="41.20.1")])
    insurer = Organisation.objects.get(bin=INSURER_BIN)
    employer = Organisation.objects.get(bin=EMPLOYER_BIN)
    assert (insurer.kind, insurer.name, insurer.region_id) == (
        Organisation.Kind.INSURER,
        contract()["insurer_name"],
        None,
    )
    assert (employer.kind, employer.name, employer.kato, employer.oked, employer.region_id) == (
        Organisation.Kind.EMPLOYER,
        contract()["policyholder_name"],
        "751110000",
        "41201",
        "75",
    )


def test_kato_of_an_unknown_region_leaves_the_region_empty(load_esbd):
    load_esbd([contract(policyholder_kato="990000000")])
    employer = Organisation.objects.get(bin=EMPLOYER_BIN)
    assert (employer.kato, employer.region_id) == ("990000000", None)


def test_organisation_follows_the_latest_delivered_row(load_esbd):
    load_esbd(
        [
            contract(contract_number="1", policyholder_name="Old name"),
            contract(
                contract_number="2", policyholder_name="Newer name", policyholder_kato="111010000"
            ),
        ],
        name="esbd_contracts_20250301.csv",
    )
    employer = Organisation.objects.get(bin=EMPLOYER_BIN)
    assert (employer.name, employer.region_id) == ("Newer name", "11")

    load_esbd(
        [contract(contract_number="3", policyholder_name="Renamed", policyholder_kato="")],
        name="esbd_contracts_20250305.csv",
    )
    employer.refresh_from_db()
    # The name follows; an empty КАТО does not erase the known one.
    assert (employer.name, employer.kato, employer.region_id) == ("Renamed", "111010000", "11")

    # A file delivered earlier but loaded later does not overwrite a later delivery.
    load_esbd(
        [contract(contract_number="4", policyholder_name="Stale name")],
        name="esbd_contracts_20250302.csv",
    )
    employer.refresh_from_db()
    assert employer.name == "Renamed"


def test_an_empty_cell_of_the_last_row_keeps_the_files_earlier_value(load_esbd):
    load_esbd(
        [
            contract(contract_number="1", policyholder_kato="111010000", policyholder_oked="41201"),
            contract(contract_number="2", policyholder_name="Last name", policyholder_kato=""),
        ]
    )
    employer = Organisation.objects.get(bin=EMPLOYER_BIN)
    assert (employer.name, employer.kato, employer.region_id) == ("Last name", "111010000", "11")


def test_existing_organisation_keeps_its_kind(load_esbd):
    Organisation.objects.create(bin=EMPLOYER_BIN, name="Regional department", kind="medical")
    load_esbd([contract()])
    assert Organisation.objects.get(bin=EMPLOYER_BIN).kind == "medical"


def test_bin_both_insurer_and_policyholder_is_registered_once_as_insurer(load_esbd):
    load_esbd([contract(policyholder_bin=INSURER_BIN, policyholder_name="Insurer as employer")])
    organisation = Organisation.objects.get(bin=INSURER_BIN)
    assert organisation.kind == Organisation.Kind.INSURER
    assert organisation.name == "Insurer as employer"  # the row's last naming column


def test_rejected_rows_register_no_organisation(load_esbd):
    load_esbd([contract(starts_on="not a date")])
    assert not Organisation.objects.filter(bin__in=[INSURER_BIN, EMPLOYER_BIN]).exists()


# Admin


def test_admin_lists_contracts_read_only_with_search_by_bin(load_esbd, make_user, client):
    load_esbd(
        [contract(), contract(contract_number="2", policyholder_bin=make_bin(random.Random(5)))]
    )
    client.force_login(make_user("admin"))
    url = reverse("admin:contracts_osnscontract_changelist")
    response = client.get(url, {"q": EMPLOYER_BIN})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    fact = OsnsContract.objects.get(policyholder_bin=EMPLOYER_BIN)
    page = client.get(reverse("admin:contracts_osnscontract_change", args=[fact.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:contracts_osnscontract_add")).status_code == 403
