"""Inspectors' violators, case and coverage pages; notices as PDF; the insurer's page."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from contracts.models import Notice, ViolatorCase
from contracts.services.scan import scan_violators
from core.feeds.cells import NOT_DATE
from core.models import Organisation
from tests.feed_files import make_bin

from .esbd_rows import INSURER_BIN, bad_check_digit, contract
from .esutd_rows import HEAD_BIN, IINS, OTHER_BIN, employment, osns

pytestmark = pytest.mark.django_db

D = dt.date(2025, 6, 1)


@pytest.fixture
def cases(load_esutd):
    load_esutd(
        [
            employment(employee_iin=IINS[0], contract_number="1"),
            employment(employee_iin=IINS[1], contract_number="2"),
            employment(employer_bin=OTHER_BIN, employer_kato="711110000", contract_number="3"),
        ]
    )
    scan_violators(on=D)
    return {c.employer_bin: c for c in ViolatorCase.objects.all()}


def test_seed002_inspector_sees_the_violators_of_their_region_only(client, make_user, cases):
    client.force_login(make_user("inspector", region="75"))
    page = client.get("/osns/violators/")
    assert page.status_code == 200
    html = page.content.decode()
    assert HEAD_BIN in html and OTHER_BIN not in html
    other = cases[OTHER_BIN]
    assert client.get(f"/osns/cases/{other.pk}/").status_code == 404


def test_seed002_violators_filters_and_exports(client, make_user, cases):
    client.force_login(make_user("chief_inspector"))
    html = client.get("/osns/violators/", {"region": "71"}).content.decode()
    assert OTHER_BIN in html and HEAD_BIN not in html
    html = client.get("/osns/violators/", {"employees_min": 2}).content.decode()
    assert HEAD_BIN in html and OTHER_BIN not in html
    csv_text = client.get("/osns/violators/", {"export": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3 and lines[1].startswith(HEAD_BIN)  # most employees first
    xlsx = client.get("/osns/violators/", {"export": "xlsx", "region": "75"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [HEAD_BIN]
    assert rows[1][7] == 2


def test_seed002_case_page_shows_evidence_and_issues_a_notice_pdf(client, make_user, cases):
    client.force_login(make_user("inspector", region="75"))
    case = cases[HEAD_BIN]
    osns(HEAD_BIN, "2024-01-01", "2024-12-31")
    html = client.get(f"/osns/cases/{case.pk}/").content.decode()
    assert "2024-01-01" in html  # the employer's contract history
    assert 'data-testid="employment-chart"' in html
    response = client.post(f"/osns/cases/{case.pk}/action/", {"action": "notice"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "notified"
    notice = Notice.objects.get()
    pdf = client.get(f"/osns/notices/{notice.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_seed002_batch_of_a_region_prints_as_one_pdf(client, make_user, cases):
    client.force_login(make_user("chief_inspector"))
    response = client.post("/osns/violators/notices/", {"region": "71"})
    assert response.content.startswith(b"%PDF")
    assert list(Notice.objects.values_list("employer_bin", flat=True)) == [OTHER_BIN]
    assert ViolatorCase.objects.get(employer_bin=OTHER_BIN).state == "notified"
    assert ViolatorCase.objects.get(employer_bin=HEAD_BIN).state == "open"


def test_seed002_coverage_page_shows_the_share_by_region(client, make_user, cases):
    osns(HEAD_BIN, "2025-01-01", "2030-12-31")
    client.force_login(make_user("chief_inspector"))
    html = client.get("/osns/coverage/").content.decode()
    assert "50.0" in html  # one of two obliged employers covered today


def test_insurer_page_shows_own_contracts_with_flags_and_is_closed_to_others(
    client, make_user, cases
):
    insurer = Organisation.objects.create(bin=INSURER_BIN, name="Береке Life", kind="insurer")
    osns(HEAD_BIN, "2025-01-01", "2025-12-31", premium_kzt=50000, workers_count=1)
    client.force_login(make_user("insurer", organisation=insurer))
    html = client.get("/osns/my-contracts/").content.decode()
    assert HEAD_BIN in html
    assert html.count('data-testid="flag"') == 2  # premium under the floor, workers below registry
    client.force_login(make_user("inspector", region="75"))
    assert client.get("/osns/my-contracts/").status_code == 403


def test_cl6_insurer_page_lists_its_own_rows_the_feed_refused(client, make_user, load_esbd):
    """Seed 000 cl. 6: the insurer sees which of its rows the unified database's file could
    not load, with row, column, value and reason, and never another insurer's rows."""
    other_insurer = make_bin(random.Random(9), "0101")
    summary, rejections = load_esbd(
        [
            contract(contract_number="1"),
            contract(contract_number="2", starts_on="2025-02-30"),
            contract(contract_number="3", insurer_bin=other_insurer, ends_on="2024-01-01"),
            contract(contract_number="4", insurer_bin=bad_check_digit(INSURER_BIN)),
        ],
        delivered_on=timezone.localdate(),
    )
    assert (summary.loaded, summary.rejected) == (1, 3)
    insurer = Organisation.objects.get(bin=INSURER_BIN)  # registered by the load
    client.force_login(make_user("insurer", organisation=insurer))
    with translation.override("ru"):
        page = client.get("/osns/my-contracts/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    rows = re.findall(r'data-testid="insurer-rejection">(.*?)</tr>', html, re.S)
    assert len(rows) == 1  # its own bad row; not the other insurer's, not a row with a bad BIN
    assert ">3<" in rows[0] and "starts_on" in rows[0] and "2025-02-30" in rows[0]
    with translation.override("ru"):
        assert translation.gettext(NOT_DATE) in rows[0]
    assert other_insurer not in html
