"""REST API of INTERFACES.md § Inspection: round trips, scoping, field errors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspection.models import (
    Accident,
    CriminalCase,
    Fine,
    Inspection,
    Investigation,
    Referral,
    Victim,
    Violation,
)

from .conftest import BAD_CHECK_DIGIT_BIN, OTHER_BIN, PERSON_IIN, accident_body, inspection_body

pytestmark = pytest.mark.django_db

INSPECTIONS = "/api/v1/inspections/"
ACCIDENTS = "/api/v1/accidents/"


def strip_ids(value):
    """The response without ids and timestamps, to compare with the request body."""
    if isinstance(value, dict):
        return {
            k: strip_ids(v) for k, v in value.items() if k not in ("id", "created_at", "updated_at")
        }
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    return value


def with_defaults(body: dict, defaults: dict) -> dict:
    return {**defaults, **body}


def row_counts() -> tuple[int, ...]:
    models = (Inspection, Violation, Fine, Referral, CriminalCase, Accident, Victim, Investigation)
    return tuple(model.objects.count() for model in models)


# --- round trips --------------------------------------------------------------------


def test_inspection_create_read_correct_round_trip(inspector, api_client_for):
    client = api_client_for(inspector)
    body = inspection_body()

    created = client.post(INSPECTIONS, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    expected = {
        **body,
        "subject_iin": None,
        "subject_name": "",
        "violations": [{"eliminated_on": None, **v} for v in body["violations"]],
        "criminal_cases": [
            {"persons_prosecuted": None, "prosecuted_on": None, **c} for c in body["criminal_cases"]
        ],
    }
    assert strip_ids(data) == expected
    assert data["fines"][0]["amount_kzt"] == "196600.00"
    assert all(isinstance(v["id"], int) for v in data["violations"])

    read = client.get(f"{INSPECTIONS}{data['id']}/")
    assert read.status_code == 200 and read.json() == data

    first, second = data["violations"]
    patch = {
        "completed_on": "2026-03-21",
        "violations": [
            {"id": second["id"], "eliminated_on": "2026-03-18"},
            {"description": "Emergency exit blocked", "detected_on": "2026-03-06"},
        ],
        "fines": [{"id": data["fines"][0]["id"], "amount_kzt": "1000000.50"}],
    }
    corrected = client.patch(f"{INSPECTIONS}{data['id']}/", patch, format="json")
    assert corrected.status_code == 200, corrected.json()
    after = corrected.json()
    assert after["completed_on"] == "2026-03-21"
    assert [v["description"] for v in after["violations"]] == [
        "No safety briefing log",
        "Emergency exit blocked",
    ]
    assert after["violations"][0] == {**second, "eliminated_on": "2026-03-18"}
    assert first["id"] not in {v["id"] for v in after["violations"]}
    assert after["fines"] == [{**data["fines"][0], "amount_kzt": "1000000.50"}]
    assert after["orders"] == data["orders"]  # not given, left alone
    assert client.get(f"{INSPECTIONS}{data['id']}/").json() == after


def test_accident_create_read_correct_round_trip(inspector, api_client_for):
    client = api_client_for(inspector)
    body = accident_body()

    created = client.post(ACCIDENTS, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["region"] == "75"
    expected = {
        **body,
        "region": "75",
        "employer_name": "",
        "victims": [{"iin": None, **v} for v in body["victims"]],
    }
    assert strip_ids(data) == expected
    assert client.get(f"{ACCIDENTS}{data['id']}/").json() == data

    severe = data["victims"][0]
    corrected = client.patch(
        f"{ACCIDENTS}{data['id']}/",
        {
            "victims": [{"id": severe["id"], "outcome": "fatal"}],
            "investigation": {"completed_on": "2026-04-02", "criminal_cases": []},
        },
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    after = corrected.json()
    assert after["victims"] == [{**severe, "outcome": "fatal"}]
    assert after["investigation"]["completed_on"] == "2026-04-02"
    assert after["investigation"]["criminal_cases"] == []
    assert after["investigation"]["referrals"] == data["investigation"]["referrals"]

    removed = client.patch(f"{ACCIDENTS}{data['id']}/", {"investigation": None}, format="json")
    assert removed.status_code == 200 and removed.json()["investigation"] is None


def test_accident_without_investigation_reads_null(inspector, api_client_for):
    body = accident_body()
    del body["investigation"]
    response = api_client_for(inspector).post(ACCIDENTS, body, format="json")
    assert response.status_code == 201 and response.json()["investigation"] is None


# --- scoping ------------------------------------------------------------------------


def test_inspector_may_not_post_for_another_region(inspector, api_client_for):
    """INTERFACES.md: a request outside one's rights gets 403; nothing is changed."""
    before = row_counts()
    client = api_client_for(inspector)
    response = client.post(INSPECTIONS, inspection_body(region="71"), format="json")
    assert response.status_code == 403 and "detail" in response.json()
    response = client.post(ACCIDENTS, accident_body(kato="711110000"), format="json")
    assert response.status_code == 403
    assert row_counts() == before


def test_another_regions_records_are_404_on_read_absent_from_list_403_on_write(
    inspector, other_inspector, api_client_for
):
    mine = api_client_for(inspector).post(INSPECTIONS, inspection_body(), format="json").json()
    accident = api_client_for(inspector).post(ACCIDENTS, accident_body(), format="json").json()
    client = api_client_for(other_inspector)

    assert client.get(f"{INSPECTIONS}{mine['id']}/").status_code == 404
    assert client.get(f"{ACCIDENTS}{accident['id']}/").status_code == 404
    assert client.get(INSPECTIONS).json()["results"] == []
    assert client.get(ACCIDENTS).json()["results"] == []
    patched = client.patch(f"{INSPECTIONS}{mine['id']}/", {"kind": "special_order"}, format="json")
    assert patched.status_code == 403
    patched = client.patch(f"{ACCIDENTS}{accident['id']}/", {"description": "x"}, format="json")
    assert patched.status_code == 403
    assert Inspection.objects.get().kind == "unscheduled"
    assert Accident.objects.get().description == "Fall from scaffolding"


def test_chief_inspector_sees_and_edits_every_region(
    inspector, other_inspector, chief, api_client_for
):
    api_client_for(inspector).post(INSPECTIONS, inspection_body(), format="json")
    api_client_for(other_inspector).post(INSPECTIONS, inspection_body(region="71"), format="json")
    client = api_client_for(chief)

    listed = client.get(INSPECTIONS).json()
    assert sorted(item["region"] for item in listed["results"]) == ["71", "75"]
    target = listed["results"][0]
    assert client.get(f"{INSPECTIONS}{target['id']}/").status_code == 200
    patched = client.patch(f"{INSPECTIONS}{target['id']}/", {"region": "10"}, format="json")
    assert patched.status_code == 200 and patched.json()["region"] == "10"


def test_missing_record_is_404(inspector, api_client_for):
    client = api_client_for(inspector)
    assert client.get(f"{INSPECTIONS}999999/").status_code == 404
    assert client.patch(f"{ACCIDENTS}999999/", {}, format="json").status_code == 404
    assert client.get(f"{INSPECTIONS}{2**70}/").status_code == 404


@pytest.mark.parametrize("role", ["insurer", "medical_system", "mhi_operator", "ops"])
def test_other_roles_get_403(make_user, api_client_for, insurer_org, role):
    user = make_user(role, organisation=insurer_org if role == "insurer" else None)
    client = api_client_for(user)
    assert client.get(INSPECTIONS).status_code == 403
    assert client.post(INSPECTIONS, inspection_body(), format="json").status_code == 403
    assert client.get(ACCIDENTS).status_code == 403
    assert client.post(ACCIDENTS, accident_body(), format="json").status_code == 403
    assert Inspection.objects.count() == 0


def test_anonymous_gets_401(client):
    assert client.get(INSPECTIONS).status_code == 401
    assert (
        client.post(ACCIDENTS, accident_body(), content_type="application/json").status_code == 401
    )


# --- bad input ----------------------------------------------------------------------


def assert_bad(response, errors: dict) -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["detail"]
    assert body["errors"] == errors


def test_accident_with_no_victims_is_400(inspector, api_client_for):
    response = api_client_for(inspector).post(ACCIDENTS, accident_body(victims=[]), format="json")
    assert_bad(
        response, {"victims": {"non_field_errors": ["An accident has at least one victim."]}}
    )


def test_victim_outcome_outside_the_list_is_400(inspector, api_client_for):
    victims = [{"full_name": "A", "outcome": "light"}, {"full_name": "B", "outcome": "minor"}]
    response = api_client_for(inspector).post(
        ACCIDENTS, accident_body(victims=victims), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors["victims"]) == ["1"] and list(errors["victims"]["1"]) == ["outcome"]


def test_elimination_before_detection_is_400_naming_the_row(inspector, api_client_for):
    violations = [
        {"description": "a", "detected_on": "2026-03-03"},
        {"description": "b", "detected_on": "2026-03-10", "eliminated_on": "2026-03-09"},
    ]
    response = api_client_for(inspector).post(
        INSPECTIONS, inspection_body(violations=violations), format="json"
    )
    assert_bad(
        response,
        {
            "violations": {
                "1": {"eliminated_on": ["A violation cannot be eliminated before it was detected."]}
            }
        },
    )


def test_negative_fine_is_400(inspector, api_client_for):
    fines = [{"imposed_on": "2026-03-03", "amount_kzt": "-100.00"}]
    response = api_client_for(inspector).post(
        INSPECTIONS, inspection_body(fines=fines), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["fines"]
    assert list(response.json()["errors"]["fines"]["0"]) == ["amount_kzt"]


def test_invalid_bin_check_digit_is_400(inspector, api_client_for):
    client = api_client_for(inspector)
    response = client.post(
        INSPECTIONS, inspection_body(subject_bin=BAD_CHECK_DIGIT_BIN), format="json"
    )
    assert_bad(response, {"subject_bin": ["The check digit is wrong."]})
    response = client.post(
        ACCIDENTS, accident_body(employer_bin=BAD_CHECK_DIGIT_BIN), format="json"
    )
    assert_bad(response, {"employer_bin": ["The check digit is wrong."]})


def test_both_subjects_is_400(inspector, api_client_for):
    response = api_client_for(inspector).post(
        INSPECTIONS, inspection_body(subject_iin=PERSON_IIN), format="json"
    )
    assert_bad(response, {"subject_iin": ["Give either a BIN or an IIN, not both."]})


def test_investigation_errors_are_nested(inspector, api_client_for):
    investigation = {
        "region": "75",
        "by_state_inspector": True,
        "completed_on": "2026-03-01",
        "referrals": [{"sent_on": "2026-03-01"}],
    }
    response = api_client_for(inspector).post(
        ACCIDENTS, accident_body(investigation=investigation), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]["investigation"]
    assert set(errors) == {"completed_on", "referrals"}
    assert list(errors["referrals"]["0"]) == ["sent_on"]


def test_failed_post_writes_nothing(inspector, api_client_for):
    before = row_counts()
    body = inspection_body(removals=[{"removed_on": "2026-03-01", "workers": 2}])
    response = api_client_for(inspector).post(INSPECTIONS, body, format="json")
    assert response.status_code == 400
    assert row_counts() == before


def test_failed_patch_changes_nothing(inspector, api_client_for):
    client = api_client_for(inspector)
    data = client.post(INSPECTIONS, inspection_body(), format="json").json()
    before = row_counts()
    response = client.patch(
        f"{INSPECTIONS}{data['id']}/",
        {"violations": [], "fines": [{"imposed_on": "2026-03-05", "amount_kzt": "0"}]},
        format="json",
    )
    assert response.status_code == 400
    assert row_counts() == before
    assert client.get(f"{INSPECTIONS}{data['id']}/").json() == data


@pytest.mark.parametrize(
    "overrides",
    [
        {"started_on": "2026-02-30"},
        {"started_on": "not a date"},
        {"started_on": None},
        {"region": None},
        {"region": "٧٥"},
        {"kind": None},
        {"violations": None},
        {"violations": [None]},
        {"violations": "x"},
        {"fines": [{"imposed_on": "2026-03-03", "amount_kzt": "1e400"}]},
        {"fines": [{"imposed_on": "2026-03-03", "amount_kzt": 10**30}]},
        {"fines": [{"imposed_on": "2026-03-03", "amount_kzt": "NaN"}]},
        {"removals": [{"removed_on": "2026-03-03", "workers": 10**20}]},
        {"criminal_cases": [{"opened_on": "2026-03-03", "persons_prosecuted": -1}]},
        {"violations": [{"id": 10**30, "description": "x", "detected_on": "2026-03-03"}]},
        {"subject_name": "a\x00b"},
        {"subject_bin": "1" * 40},
    ],
)
def test_malformed_inspection_input_is_400_not_500(inspector, api_client_for, overrides):
    response = api_client_for(inspector).post(
        INSPECTIONS, inspection_body(**overrides), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"kato": "7511100٠0"},
        {"victims": [{"full_name": "A", "outcome": None}]},
        {"investigation": {"region": "75", "by_state_inspector": "maybe"}},
        {"occurred_on": "99999-01-01"},
    ],
)
def test_malformed_accident_input_is_400_not_500(inspector, api_client_for, body):
    payload = {**accident_body(), **body} if isinstance(body, dict) else body
    response = api_client_for(inspector).post(ACCIDENTS, payload, format="json")
    assert response.status_code == 400, response.content


def test_patch_with_a_child_id_of_another_record_is_400(inspector, api_client_for):
    client = api_client_for(inspector)
    one = client.post(INSPECTIONS, inspection_body(), format="json").json()
    two = client.post(INSPECTIONS, inspection_body(), format="json").json()
    response = client.patch(
        f"{INSPECTIONS}{one['id']}/",
        {"violations": [{"id": two["violations"][0]["id"]}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]["violations"]["0"]) == ["id"]


# --- lists --------------------------------------------------------------------------


def test_list_filters(inspector, api_client_for):
    client = api_client_for(inspector)
    done = client.post(INSPECTIONS, inspection_body(), format="json").json()
    running = client.post(
        INSPECTIONS,
        inspection_body(
            kind="preventive_control",
            completed_on=None,
            subject_bin=OTHER_BIN,
            started_on="2026-04-01",
            violations=[],
            orders=[],
            fines=[],
            suspensions=[],
            removals=[],
            referrals=[],
            criminal_cases=[],
        ),
        format="json",
    ).json()

    def ids(query: str) -> list[int]:
        response = client.get(INSPECTIONS + query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids("?status=in_progress") == [running["id"]]
    assert ids("?status=completed") == [done["id"]]
    assert ids("?kind=preventive_control") == [running["id"]]
    assert ids(f"?q={OTHER_BIN}") == [running["id"]]
    assert ids(f"?q={OTHER_BIN[:6]}") == [running["id"], done["id"]]
    assert ids("?date_from=2026-03-15") == [running["id"]]
    assert ids("?date_to=2026-03-15") == [done["id"]]
    assert ids("?region=75") == [running["id"], done["id"]]
    assert client.get(INSPECTIONS + "?date_from=yesterday").status_code == 400
    assert client.get(INSPECTIONS + "?updated_since=0793-10-04T20:52:37%2B17:08").status_code == 200
    assert client.get(INSPECTIONS + "?updated_since=0001-01-01T00:00:00%2B01:00").status_code == 400
    assert client.get(INSPECTIONS + "?status=finished").status_code == 400
    assert client.get(INSPECTIONS + "?region=99").status_code == 400


def test_updated_since_returns_only_later_changes(inspector, api_client_for):
    """INTERFACES.md § REST API: every list accepts updated_since."""
    client = api_client_for(inspector)
    old = client.post(INSPECTIONS, inspection_body(), format="json").json()
    new = client.post(INSPECTIONS, inspection_body(), format="json").json()
    Inspection.objects.filter(pk=old["id"]).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = client.get(INSPECTIONS, {"updated_since": since})
    assert [item["id"] for item in response.json()["results"]] == [new["id"]]

    accident = client.post(ACCIDENTS, accident_body(), format="json").json()
    Accident.objects.filter(pk=accident["id"]).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert client.get(ACCIDENTS, {"updated_since": since}).json()["results"] == []
    # A correction of a child list moves the parent's updated_at.
    client.patch(
        f"{ACCIDENTS}{accident['id']}/",
        {"victims": [{"full_name": "X", "outcome": "light"}]},
        format="json",
    )
    assert len(client.get(ACCIDENTS, {"updated_since": since}).json()["results"]) == 1


def test_accident_list_filters(inspector, api_client_for):
    client = api_client_for(inspector)
    fatal = client.post(
        ACCIDENTS,
        accident_body(victims=[{"full_name": "A", "outcome": "fatal", "iin": PERSON_IIN}]),
        format="json",
    ).json()
    light = client.post(ACCIDENTS, accident_body(employer_bin=OTHER_BIN), format="json").json()

    def ids(query: str) -> list[int]:
        return [item["id"] for item in client.get(ACCIDENTS + query).json()["results"]]

    assert ids("?outcome=fatal") == [fatal["id"]]
    assert ids(f"?q={PERSON_IIN}") == [fatal["id"]]
    assert ids(f"?q={OTHER_BIN}") == [light["id"]]
    assert ids("?date_from=2026-03-06") == []


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_query_count_does_not_grow_with_rows(
    chief, api_client_for, django_assert_max_num_queries
):
    """ARCHITECTURE.md rule 3: list endpoints have query-count tests."""
    client = api_client_for(chief)
    client.post(INSPECTIONS, inspection_body(), format="json")
    client.post(ACCIDENTS, accident_body(), format="json")
    few = (_queries_for(client, INSPECTIONS), _queries_for(client, ACCIDENTS))
    for _ in range(5):
        client.post(INSPECTIONS, inspection_body(), format="json")
        client.post(ACCIDENTS, accident_body(), format="json")
    body = accident_body()
    del body["investigation"]
    client.post(ACCIDENTS, body, format="json")

    with django_assert_max_num_queries(12):
        assert len(client.get(INSPECTIONS).json()["results"]) == 6
    with django_assert_max_num_queries(8):
        assert len(client.get(ACCIDENTS).json()["results"]) == 7
    assert (_queries_for(client, INSPECTIONS), _queries_for(client, ACCIDENTS)) == few


def test_updated_since_takes_a_date_and_names_the_format_when_wrong(inspector, api_client_for):
    client = api_client_for(inspector)
    client.post(INSPECTIONS, inspection_body(), format="json")
    today = timezone.localdate()

    by_iso_day = client.get(INSPECTIONS, {"updated_since": today.isoformat()})
    by_dotted_day = client.get(INSPECTIONS, {"updated_since": today.strftime("%d.%m.%Y")})
    tomorrow = client.get(
        INSPECTIONS, {"updated_since": (today + datetime.timedelta(days=1)).isoformat()}
    )
    wrong = client.get(INSPECTIONS, {"updated_since": "yesterday"})

    assert by_iso_day.json()["count"] == by_dotted_day.json()["count"] == 1
    assert tomorrow.json()["count"] == 0
    assert wrong.status_code == 400
    assert "2026-11-30T09:00:00+05:00" in str(wrong.json())
