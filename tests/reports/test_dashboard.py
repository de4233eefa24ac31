"""The chief inspectors' dashboard: twelve months by region, from aggregate SQL."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders

from reports.selectors import dashboard_data


@pytest.mark.django_db
def test_dashboard_data_counts_the_last_twelve_months_by_month_and_region(records):
    records.accident("75", occurred_on=date(2025, 10, 3), outcomes=("light", "fatal"))
    records.accident("11", occurred_on=date(2024, 11, 30), outcomes=("severe",))
    records.accident("11", occurred_on=date(2024, 10, 31), outcomes=("fatal",))  # too old
    inspection = records.inspection("75", completed_on=date(2025, 9, 5))
    records.fine(inspection, imposed_on=date(2025, 9, 6), amount="1250.00")
    records.fine(inspection, imposed_on=date(2025, 10, 6), amount="100.00")
    records.inspection("11", started_on=date(2025, 9, 1))  # not completed

    data = dashboard_data(until=date(2025, 10, 20))

    assert data["labels"][0] == "2024-11" and data["labels"][-1] == "2025-10"
    assert len(data["labels"]) == 12
    assert data["monthly"]["accidents"] == [1] + [0] * 10 + [1]
    assert data["monthly"]["victims"]["fatal"][-1] == 1
    assert data["monthly"]["victims"]["severe"][0] == 1
    assert data["monthly"]["inspections"][-2] == 1 and sum(data["monthly"]["inspections"]) == 1
    assert data["monthly"]["fines_count"][-2:] == [1, 1]
    assert data["monthly"]["fines_thousand_kzt"][-2:] == [1.3, 0.1]
    regions = {r["code"]: r for r in data["regions"]}
    assert len(regions) == 20
    assert regions["75"]["accidents"] == 1 and regions["11"]["accidents"] == 1
    assert regions["75"]["victims"] == {"light": 1, "moderate": 0, "severe": 0, "fatal": 1}
    assert regions["75"]["fines_thousand_kzt"] == "1.4"
    only_11 = dashboard_data(until=date(2025, 10, 20), region_code="11")
    assert only_11["monthly"]["accidents"] == [1] + [0] * 11


@pytest.mark.django_db
def test_dashboard_page_embeds_the_data_and_vendored_chart_js(client, make_user, records):
    records.accident("75", occurred_on=date(2025, 10, 3), outcomes=("fatal",))
    records.accident("11", occurred_on=date(2025, 10, 4), outcomes=("light",))
    client.force_login(make_user("chief_inspector"))

    html = client.get("/reports/dashboard/", {"until": "2025-10", "region": "75"}).content.decode()

    data = json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["labels"][-1] == "2025-10"
    assert data["monthly"]["accidents"][-1] == 1  # region 75 only
    assert data["monthly"]["victims"]["fatal"][-1] == 1
    assert "/static/vendor/chart.js/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    assert finders.find("vendor/chart.js/chart.umd.min.js")
    assert finders.find("vendor/chart.js/LICENSE.md")


@pytest.mark.django_db
def test_dashboard_is_for_chief_inspectors(client, make_user):
    client.force_login(make_user("inspector", region="75"))
    assert client.get("/reports/dashboard/").status_code == 403
    client.force_login(make_user("ops"))
    assert client.get("/reports/dashboard/").status_code == 403
    client.force_login(make_user("chief_inspector"))
    assert client.get("/reports/dashboard/", {"until": "2025-13"}).status_code == 404
    assert client.get("/reports/dashboard/", {"region": "99"}).status_code == 404
