"""The chief inspector finds a late decision on the breaches page, follows it to the
contract's timeline and opens the decision letter (voluntary insurance)."""

from __future__ import annotations

import datetime as dt

import pytest

from insurance import services
from tests.insurance.conftest import Story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Str0ng-pass-phrase"
D = dt.date


def test_chief_follows_a_breach_to_the_contract_story(live_server, page, make_user, insurer_org):
    story = Story(insurer_org)
    event = story.event(story.contract(), occurred_on=D(2026, 3, 6), notified_on=D(2026, 3, 13))
    claim = story.claim(event, documents_on=D(2026, 4, 6))
    services.decision_record(
        claim=claim,
        decision="refuse",
        decided_on=D(2026, 4, 30),
        grounds=["44.2"],
        reason_text="Intoxication as the main cause.",
    )
    make_user("chief_inspector", username="chief", password=PASSWORD)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{base}/voluntary/breaches/?on=2026-06-01")

    table = page.get_by_test_id("breach-table")
    assert table.locator("tr[data-kind=late_decision]").count() == 1
    assert "46" in table.locator("tr[data-kind=late_decision]").inner_text()
    assert page.get_by_test_id("chart-breaches").bounding_box()["height"] > 100
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    table.locator("tr[data-kind=late_notice] a").click()
    timeline = page.get_by_test_id("timeline")
    assert "Страховщик уведомлён о несчастном случае" in timeline.inner_text()  # ru-RU browser
    letter = page.get_by_test_id(f"letter-{claim.pk}")
    response = page.request.get(base + letter.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
