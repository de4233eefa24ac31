"""Reports API (INTERFACES.md § Reports, Report JSON)."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Region
from reports.models import FormVersion
from reports.services import form_finalise, form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 14)
URL = "/api/v1/reports/{form}/2025-10/"


def generate(form: str = "2-ozh") -> FormVersion:
    return form_generate(form=form, period=OCT, source="command").version


@pytest.fixture
def chief(make_user):
    return make_user("chief_inspector")


@pytest.fixture
def chief_api(api_client_for, chief):
    return api_client_for(chief)


@pytest.mark.django_db
def test_get_never_generates_and_is_404_without_a_version(chief_api, records):
    records.accident("75", occurred_on=IN)

    response = chief_api.get(URL.format(form="2-ozh"))

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No version of this form has been generated for the month."
    }
    assert not FormVersion.objects.exists()


@pytest.mark.django_db
def test_get_returns_the_report_json_of_interfaces(chief_api, records):
    records.accident("75", occurred_on=IN, outcomes=("light", "fatal"))
    version = generate()

    body = chief_api.get(URL.format(form="2-ozh")).json()

    assert {"form", "period", "version", "status", "generated_at", "header", "rows", "total"} <= (
        set(body)
    )
    assert (body["form"], body["period"], body["version"], body["status"]) == (
        "2-ozh",
        "2025-10",
        1,
        "draft",
    )
    assert set(body["header"]) == {
        "bin",
        "name",
        "address",
        "phone",
        "email",
        "executor",
        "head",
        "date",
    }
    assert len(body["rows"]) == 20
    assert [r["kato"] for r in body["rows"]] == list(
        Region.objects.order_by("kato").values_list("kato", flat=True)
    )
    almaty = next(r for r in body["rows"] if r["kato"] == "750000000")
    assert almaty == {
        "kato": "750000000",
        "region_kk": "Алматы қаласы",
        "region_ru": "город Алматы",
        "values": {"2": 1, "3": 1, "4": 2, "5": 2, "6": 1, "7": 0, "8": 1},
    }
    assert body["total"] == {"values": {"2": 1, "3": 1, "4": 2, "5": 2, "6": 1, "7": 0, "8": 1}}
    assert body["kind"] == "regular" and body["diff"] is None
    assert [c["code"] for c in body["checks"]] == [
        "ozh_4_is_6_7_8",
        "ozh_3_within_2",
        "ozh_5_within_4",
        "ozh_5_at_least_twice_3",
    ]
    assert body["downloads"]["xlsx"].endswith("/api/v1/reports/2-ozh/2025-10/versions/1/xlsx")
    assert body["downloads"]["pdf"].endswith("/api/v1/reports/2-ozh/2025-10/versions/1/pdf")
    assert body["fingerprint"] == version.fingerprint


@pytest.mark.django_db
def test_col9_is_a_decimal_string_in_the_json(chief_api, records):
    records.fine(records.inspection("75"), imposed_on=IN, amount="1250.00")
    generate("1-meizhm")

    body = chief_api.get(URL.format(form="1-meizhm")).json()

    almaty = next(r for r in body["rows"] if r["kato"] == "750000000")
    assert almaty["values"]["9"] == "1.3" and almaty["values"]["8"] == 1
    assert body["total"]["values"]["9"] == "1.3"
    assert list(body["total"]["values"]) == [str(n) for n in range(2, 18)]


@pytest.mark.django_db
def test_get_shows_the_final_version_else_the_latest_draft_or_the_version_asked(chief_api, chief):
    generate(), generate()
    assert chief_api.get(URL.format(form="2-ozh")).json()["version"] == 2
    form_finalise(version=FormVersion.objects.get(number=1), acting_user=chief)
    generate()  # a correction draft, version 3

    assert chief_api.get(URL.format(form="2-ozh")).json()["version"] == 1
    body = chief_api.get(URL.format(form="2-ozh") + "?version=3").json()
    assert (body["version"], body["kind"], body["diff"]) == (
        3,
        "correction",
        {"corrects_version": 1, "cells": []},
    )
    assert chief_api.get(URL.format(form="2-ozh") + "versions/2/").json()["version"] == 2
    assert chief_api.get(URL.format(form="2-ozh") + "?version=9").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chief_inspector", "ops"])
def test_post_versions_generates_for_chief_and_ops(api_client_for, make_user, role):
    client = api_client_for(make_user(role))

    response = client.post(URL.format(form="1-meizhm") + "versions/")

    assert response.status_code == 201
    assert response.json()["version"] == 1 and response.json()["status"] == "draft"
    assert FormVersion.objects.get().source == "api"


@pytest.mark.django_db
def test_post_versions_is_refused_to_inspectors_and_others(api_client_for, make_user, insurer_org):
    for user in (
        make_user("inspector", region="75"),
        make_user("insurer", organisation=insurer_org),
        make_user("medical_system"),
    ):
        response = api_client_for(user).post(URL.format(form="2-ozh") + "versions/")
        assert response.status_code == 403
    assert not FormVersion.objects.exists()


@pytest.mark.django_db
def test_finalise_by_chief_and_conflicts_answer_409(chief_api, api_client_for, make_user):
    generate(), generate()
    finalise = URL.format(form="2-ozh") + "versions/{n}/finalise/"

    assert api_client_for(make_user("ops")).post(finalise.format(n=1)).status_code == 403
    ok = chief_api.post(finalise.format(n=1))
    again = chief_api.post(finalise.format(n=1))
    other = chief_api.post(finalise.format(n=2))

    assert ok.status_code == 200 and ok.json()["status"] == "final"
    assert ok.json()["finalised_at"] is not None
    assert again.status_code == 409
    assert again.json() == {"detail": "Version 1 is already final."}
    assert other.status_code == 409
    assert "Version 1 is already final for this month" in other.json()["detail"]
    assert chief_api.post(finalise.format(n=7)).status_code == 404


@pytest.mark.django_db
def test_bad_form_and_bad_period_are_clear_errors(chief_api):
    bad_form = chief_api.get("/api/v1/reports/3-xyz/2025-10/")
    bad_month = chief_api.get("/api/v1/reports/2-ozh/2025-13/")
    bad_shape = chief_api.get("/api/v1/reports/2-ozh/october/")
    bad_version = chief_api.get("/api/v1/reports/2-ozh/2025-10/?version=0")
    bad_number = chief_api.get("/api/v1/reports/2-ozh/2025-10/versions/abc/")
    future = chief_api.post("/api/v1/reports/2-ozh/2999-01/versions/")

    assert bad_form.status_code == 404
    assert bad_form.json() == {"detail": "Unknown form. Use 1-meizhm or 2-ozh."}
    assert bad_month.status_code == 400
    assert bad_month.json()["errors"] == {
        "period": ["The month of the period must be from 01 to 12."]
    }
    assert bad_shape.status_code == 400 and "YYYY-MM" in bad_shape.json()["errors"]["period"][0]
    assert bad_version.status_code == 400 and "version" in bad_version.json()["errors"]
    assert bad_number.status_code == 404
    assert future.status_code == 400 and "period" in future.json()["errors"]


@pytest.mark.django_db
def test_inspector_sees_only_their_region_row_and_no_total(api_client_for, make_user, records):
    records.accident("75", occurred_on=IN)
    records.accident("11", occurred_on=IN, outcomes=("fatal",))
    generate()
    client = api_client_for(make_user("inspector", region="11"))

    body = client.get(URL.format(form="2-ozh")).json()

    assert [r["kato"] for r in body["rows"]] == ["110000000"]
    assert body["rows"][0]["values"]["8"] == 1
    assert body["total"] is None
    assert {r["row"] for c in body["checks"] for r in c["results"]} == {"110000000"}


@pytest.mark.django_db
def test_roles_without_forms_get_403(api_client_for, make_user, insurer_org):
    generate()
    for user in (make_user("insurer", organisation=insurer_org), make_user("mhi_operator")):
        assert api_client_for(user).get(URL.format(form="2-ozh")).status_code == 403


@pytest.mark.django_db
def test_versions_list_is_paginated_newest_first(chief_api, chief):
    generate(), generate()
    form_finalise(version=FormVersion.objects.get(number=1), acting_user=chief)

    body = chief_api.get(URL.format(form="2-ozh") + "versions/").json()

    assert body["count"] == 2
    assert [(v["version"], v["status"]) for v in body["results"]] == [(2, "draft"), (1, "final")]
    later = chief_api.get(
        URL.format(form="2-ozh") + "versions/", {"updated_since": "2999-01-01T00:00:00Z"}
    )
    assert later.json()["count"] == 0


@pytest.mark.django_db
def test_downloads_of_the_same_version(chief_api):
    generate(), generate()

    xlsx = chief_api.get(URL.format(form="2-ozh") + "versions/1/xlsx")
    pdf = chief_api.get(URL.format(form="2-ozh") + "versions/2/pdf")

    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="2-ozh_2025-10_v1.xlsx"' in xlsx["Content-Disposition"]
    assert xlsx.content[:2] == b"PK"
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert chief_api.get(URL.format(form="2-ozh") + "versions/3/pdf").status_code == 404


@pytest.mark.django_db
def test_inspector_sees_the_checks_of_their_region_only(api_client_for, make_user, records, chief):
    # Region 75 fails "14 <= accidents since 1 January" (an accident of the previous year).
    records.investigation(records.accident("75", occurred_on=date(2024, 12, 30)), completed_on=IN)
    generate("1-meizhm")

    mine = api_client_for(make_user("inspector", region="11")).get(URL.format(form="1-meizhm"))
    everyone = api_client_for(chief).get(URL.format(form="1-meizhm"))

    assert mine.json()["checks_failed"] == 0
    assert all(c["passed"] for c in mine.json()["checks"])
    assert everyone.json()["checks_failed"] == 2  # region 75 and the total (1 > 0)
