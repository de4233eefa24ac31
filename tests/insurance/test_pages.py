"""The regulator's pages: breaches with their clause, at-risk cases, the chart data,
XLSX export, the contract's timeline and the decision letter in Kazakh and Russian."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from insurance import services
from insurance.exports import decision_letter_html, decision_letter_pdf

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def chief(client, make_user):
    client.force_login(make_user("chief_inspector"))
    return client


@pytest.fixture
def late_claim(story):
    event = story.event(story.contract(), occurred_on=D(2026, 3, 6), notified_on=D(2026, 3, 13))
    claim = story.claim(event, documents_on=D(2026, 4, 6))
    services.decision_record(
        claim=claim,
        decision="refuse_partly",
        decided_on=D(2026, 4, 30),
        grounds=["43.5"],
        reason_text="Уведомление с опозданием.",
    )
    return claim


def test_breach_page_lists_each_breach_with_its_clause(chief, late_claim):
    response = chief.get("/voluntary/breaches/", {"on": "2026-06-01"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert sorted((b.kind, b.clause) for b in rows) == [
        ("late_decision", "46"),
        ("late_notice", "25.4"),
    ]
    chart = response.context["chart"]
    assert len(chart["labels"]) == 60 and {s["kind"] for s in chart["series"]} >= {"late_notice"}
    body = response.content.decode()
    assert "п. 25.4" in body and "Нарушения сроков" in body


def test_breach_filters_by_kind_and_insurer(chief, late_claim, other_insurer):
    only = chief.get("/voluntary/breaches/", {"on": "2026-06-01", "kind": "late_notice"})
    assert [b.kind for b in only.context["page"].object_list] == ["late_notice"]
    other = chief.get("/voluntary/breaches/", {"on": "2026-06-01", "insurer": other_insurer.bin})
    assert list(other.context["page"].object_list) == []


def test_at_risk_lists_what_falls_due_within_two_working_days(chief, story):
    claim = story.claim(story.event(story.contract()), documents_on=D(2026, 4, 6))
    due = claim.decision_due_on  # 7 working days later
    response = chief.get(
        "/voluntary/breaches/", {"view": "at_risk", "on": (due - dt.timedelta(days=1)).isoformat()}
    )
    assert [(b.kind, b.due_on) for b in response.context["page"].object_list] == [
        ("late_decision", due)
    ]


def test_breaches_export_to_xlsx(chief, late_claim):
    response = chief.get("/voluntary/breaches.xlsx", {"on": "2026-06-01"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    # Decision due Wed 15 April; decided Thu 30 April: 11 working days late.
    assert sorted((r[1], r[8]) for r in rows) == [("25.4", 1), ("46", 11)]


def test_contract_page_shows_the_whole_story(chief, late_claim):
    contract = late_claim.event.contract
    services.payout_record(
        claim=late_claim,
        kind="additional_expenses",
        amount_kzt=Decimal("1000"),
        documents_on=D(2026, 5, 4),
        paid_on=D(2026, 5, 5),
    )
    response = chief.get(f"/voluntary/contracts/{contract.pk}/")
    titles = [e.title for e in response.context["timeline"]]
    dates = [e.on for e in response.context["timeline"]]
    assert dates == sorted(dates)
    for expected in (
        "Contract concluded",
        "Premium received",
        "Cover starts",
        "Insurer notified of the accident",
        "Additional expenses reimbursed",
    ):
        assert expected in titles
    assert any(t.startswith("Decision: ") for t in titles)


def test_pages_are_for_the_regulator_only(client, make_user, insurer):
    client.force_login(make_user("insurer", organisation=insurer))
    assert client.get("/voluntary/breaches/").status_code == 403
    client.force_login(make_user("inspector", region="75"))
    assert client.get("/voluntary/contracts/").status_code == 403


def test_cl23_4_decision_letter_in_kazakh_and_russian(chief, late_claim):
    html = decision_letter_html(late_claim, late_claim.decision)
    assert "Сақтандыру төлемі туралы талап бойынша шешім" in html
    assert "Решение по требованию о страховой выплате" in html
    assert "Уведомление с опозданием." in html and "43.5" in html
    pdf = decision_letter_pdf(late_claim, late_claim.decision)
    assert pdf.startswith(b"%PDF")
    points = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompress(pdf[match.end() : pdf.find(b"endstream", match.end())])
        except zlib.error:
            continue
        for hexcode in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", data):
            points.update(int(hexcode[i : i + 4], 16) for i in range(0, len(hexcode), 4))
    assert {ord("Қ"), ord("ө"), ord("ы")} <= points
    response = chief.get(f"/voluntary/claims/{late_claim.pk}/decision-letter.pdf")
    assert response["Content-Type"] == "application/pdf"


def test_chart_data_counts_new_breaches_by_day(chief, late_claim):
    response = chief.get("/voluntary/breaches/", {"on": "2026-04-30"})
    chart = json.loads(
        re.search(r'id="breach-chart"[^>]*>(.*?)</script>', response.content.decode(), re.S).group(
            1
        )
    )
    decisions = next(s for s in chart["series"] if s["kind"] == "late_decision")["data"]
    index = chart["labels"].index((late_claim.decision_due_on + dt.timedelta(days=1)).isoformat())
    assert decisions[index] == 1 and sum(decisions) == 1
