"""The inspectors' pages (Django test client): forms with formsets, errors, scoping."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from inspection import services
from inspection.models import Accident, Inspection, Investigation, Victim, Violation

from .conftest import EMPLOYER_BIN, OTHER_BIN, accident_body, inspection_body, service_kwargs

pytestmark = pytest.mark.django_db

INSPECTION_FORMSETS = (
    "violations",
    "orders",
    "fines",
    "suspensions",
    "removals",
    "referrals",
    "criminal_cases",
)


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def inspection_post(**rows) -> dict:
    data = {
        "kind": "unscheduled",
        "subject_bin": EMPLOYER_BIN,
        "subject_iin": "",
        "subject_name": "ТОО «Құрылыс»",
        "started_on": "2026-03-02",
        "completed_on": "2026-03-20",
    }
    for prefix in INSPECTION_FORMSETS:
        data.update(formset(prefix, rows.get(prefix, [])))
    return data


def logged_in(client, user):
    client.force_login(user)
    return client


def test_create_page_renders_with_the_region_locked(client, inspector):
    response = logged_in(client, inspector).get(reverse("inspection:inspection-create"))
    assert response.status_code == 200
    html = response.content.decode()
    region = response.context["page"].form["region"]
    assert region.field.disabled and list(region.field.queryset.values_list("code", flat=True)) == [
        "75"
    ]
    for testid in (
        "add-violations",
        "add-fines",
        "add-criminal_cases",
        "submit",
        "violations-table",
    ):
        assert f'data-testid="{testid}"' in html
    assert 'name="violations-TOTAL_FORMS"' in html
    assert 'src="/static/inspection/formset.js"' in html


def test_chief_inspector_picks_any_region(client, chief):
    response = logged_in(client, chief).get(reverse("inspection:inspection-create"))
    region = response.context["page"].form.fields["region"]
    assert not region.disabled and region.queryset.count() == 20


def test_posting_an_inspection_with_two_violations_and_a_fine_creates_them(client, inspector):
    data = inspection_post(
        violations=[
            {"description": "No guard on the press", "detected_on": "2026-03-03"},
            {
                "description": "No briefing log",
                "detected_on": "2026-03-03",
                "eliminated_on": "2026-03-10",
            },
        ],
        fines=[{"imposed_on": "2026-03-05", "amount_kzt": "196600"}],
    )
    response = logged_in(client, inspector).post(reverse("inspection:inspection-create"), data)

    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inspection:inspection-detail", args=[inspection.pk])
    assert inspection.region_id == "75" and inspection.created_by == inspector
    assert list(inspection.violations.values_list("description", "eliminated_on")) == [
        ("No guard on the press", None),
        ("No briefing log", datetime.date(2026, 3, 10)),
    ]
    assert list(inspection.fines.values_list("amount_kzt", flat=True)) == [Decimal("196600")]

    page = client.get(response.url)
    assert "No briefing log" in page.content.decode()


def test_an_error_keeps_the_input_and_shows_the_message_beside_the_field(client, inspector):
    data = inspection_post(
        violations=[
            {"description": "Kept description", "detected_on": "2026-03-03"},
            {
                "description": "Wrong dates",
                "detected_on": "2026-03-10",
                "eliminated_on": "2026-03-09",
            },
        ],
        fines=[{"imposed_on": "2026-03-05", "amount_kzt": "5000"}],
    )
    response = logged_in(client, inspector).post(reverse("inspection:inspection-create"), data)

    assert response.status_code == 200
    assert Inspection.objects.count() == 0 and Violation.objects.count() == 0
    page = response.context["page"]
    row = page.formsets["violations"].forms[1]
    assert row.errors == {
        "eliminated_on": ["A violation cannot be eliminated before it was detected."]
    }
    html = response.content.decode()
    # The message sits in the same table cell as the input it is about.
    cell_start = html.index('data-testid="violations-1-eliminated_on"')
    cell = html[cell_start : html.index("</td>", cell_start)]
    assert 'value="2026-03-09"' in cell
    assert "A violation cannot be eliminated before it was detected." in cell
    assert "Kept description" in html and 'value="5000"' in html
    assert 'data-testid="form-errors"' in html


def test_form_shape_errors_are_shown_in_the_users_language(client, inspector):
    client = logged_in(client, inspector)
    data = inspection_post(fines=[{"imposed_on": "2026-03-05", "amount_kzt": "abc"}])
    data["started_on"] = ""

    client.cookies["django_language"] = "en"
    page = client.post(reverse("inspection:inspection-create"), data).context["page"]
    assert page.form.errors["started_on"] == ["This field is required."]
    assert page.formsets["fines"].forms[0].errors["amount_kzt"] == ["Enter a number."]

    client.cookies["django_language"] = "ru"
    page = client.post(reverse("inspection:inspection-create"), data).context["page"]
    assert page.form.errors["started_on"] == ["Обязательное поле."]


def test_edit_page_prefills_children_and_removing_a_row_deletes_it(client, inspector):
    inspection = services.inspection_create(
        acting_user=inspector, **service_kwargs(inspection_body())
    )
    client = logged_in(client, inspector)
    url = reverse("inspection:inspection-edit", args=[inspection.pk])
    page = client.get(url).context["page"]
    first, second = inspection.violations.all()
    assert [f.initial["id"] for f in page.formsets["violations"].forms] == [first.pk, second.pk]

    data = inspection_post()
    data.update(
        formset(
            "violations",
            [
                {
                    "id": first.pk,
                    "description": first.description,
                    "detected_on": "2026-03-03",
                    "DELETE": "on",
                },
                {"id": second.pk, "description": "Renamed", "detected_on": "2026-03-03"},
                {"description": "Added", "detected_on": "2026-03-04"},
            ],
            initial=2,
        )
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(inspection.violations.values_list("id", "description")) == [
        (second.pk, "Renamed"),
        (inspection.violations.last().pk, "Added"),
    ]
    # Lists posted empty are emptied: the page shows every list.
    assert inspection.fines.count() == 0


def test_another_regions_inspection_page_is_404(client, inspector, other_inspector):
    inspection = services.inspection_create(
        acting_user=inspector, **service_kwargs(inspection_body())
    )
    client = logged_in(client, other_inspector)
    assert (
        client.get(reverse("inspection:inspection-detail", args=[inspection.pk])).status_code == 404
    )
    assert (
        client.get(reverse("inspection:inspection-edit", args=[inspection.pk])).status_code == 404
    )
    response = client.post(
        reverse("inspection:inspection-edit", args=[inspection.pk]), inspection_post()
    )
    assert response.status_code == 404
    assert Inspection.objects.get().subject_name == ""


def test_list_page_shows_own_region_filters_and_paginates(
    client, inspector, other_inspector, chief
):
    for index in range(27):
        services.inspection_create(
            acting_user=inspector,
            **service_kwargs(
                inspection_body(
                    subject_bin=OTHER_BIN if index == 0 else EMPLOYER_BIN,
                    completed_on=None if index < 2 else "2026-03-20",
                )
            ),
        )
    services.inspection_create(
        acting_user=other_inspector, **service_kwargs(inspection_body(region="71"))
    )
    client = logged_in(client, inspector)
    url = reverse("inspection:inspection-list")

    first = client.get(url)
    assert first.status_code == 200
    assert first.context["page_obj"].paginator.count == 27
    assert len(first.context["objects"]) == 25
    assert "region" not in first.context["filter"].form.fields
    assert 'data-testid="page-next"' in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["objects"]) == 2
    assert client.get(url, {"status": "in_progress"}).context["page_obj"].paginator.count == 2
    assert client.get(url, {"q": OTHER_BIN}).context["page_obj"].paginator.count == 1

    client.force_login(chief)
    assert client.get(url).context["page_obj"].paginator.count == 28
    assert client.get(url, {"region": "71"}).context["page_obj"].paginator.count == 1


def test_pages_are_closed_to_other_roles(client, make_user, insurer_org):
    client = logged_in(client, make_user("insurer", organisation=insurer_org))
    assert client.get(reverse("inspection:inspection-list")).status_code == 403
    assert client.get(reverse("inspection:accident-create")).status_code == 403


def test_pages_need_a_login(client):
    response = client.get(reverse("inspection:inspection-list"))
    assert response.status_code == 302 and "login" in response.url


# --- accidents ----------------------------------------------------------------------


def accident_post(victims: list[dict], investigation: dict | None = None) -> dict:
    data = {
        "kato": "751110000",
        "occurred_on": "2026-03-05",
        "employer_bin": EMPLOYER_BIN,
        "employer_name": "",
        "description": "Fall from scaffolding",
    }
    data.update(formset("victims", victims))
    inv = investigation or {}
    for key in ("present", "by_state_inspector", "completed_on", "region"):
        if key in inv:
            data[f"investigation-{key}"] = inv[key]
    data.update(formset("investigation_referrals", inv.get("referrals", [])))
    data.update(formset("investigation_criminal_cases", inv.get("criminal_cases", [])))
    return data


def test_accident_create_page_renders_with_one_victim_row(client, inspector):
    response = logged_in(client, inspector).get(reverse("inspection:accident-create"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.victims.forms) == 1
    assert page.form["kato"].value() == "750000000"
    html = response.content.decode()
    for testid in ("add-victims", "add-investigation_referrals", "investigation-present", "submit"):
        assert f'data-testid="{testid}"' in html


def test_posting_an_accident_with_victims_and_an_investigation(client, inspector):
    data = accident_post(
        victims=[
            {"full_name": "Асқаров Ерлан", "iin": "", "outcome": "severe"},
            {"full_name": "John Smith", "iin": "", "outcome": "fatal"},
        ],
        investigation={
            "present": "on",
            "by_state_inspector": "on",
            "completed_on": "2026-03-25",
            "criminal_cases": [
                {
                    "opened_on": "2026-04-01",
                    "persons_prosecuted": "1",
                    "prosecuted_on": "2026-05-01",
                }
            ],
        },
    )
    response = logged_in(client, inspector).post(reverse("inspection:accident-create"), data)
    assert response.status_code == 302, response.context["page"].victims.errors
    accident = Accident.objects.get()
    assert accident.region_id == "75"
    assert list(accident.victims.values_list("outcome", flat=True)) == ["severe", "fatal"]
    investigation = Investigation.objects.get(accident=accident)
    assert investigation.region_id == "75" and investigation.by_state_inspector
    assert investigation.criminalcases.get().persons_prosecuted == 1


def test_accident_without_victims_shows_the_rule_above_the_victims(client, inspector):
    data = accident_post(victims=[{"full_name": "", "iin": "", "outcome": ""}])
    response = logged_in(client, inspector).post(reverse("inspection:accident-create"), data)
    assert response.status_code == 200
    assert Accident.objects.count() == 0 and Victim.objects.count() == 0
    assert response.context["page"].victims.non_form_errors() == [
        "An accident has at least one victim."
    ]
    assert 'data-testid="victims-errors"' in response.content.decode()


def test_accident_investigation_error_is_beside_its_field(client, inspector):
    data = accident_post(
        victims=[{"full_name": "A", "iin": "", "outcome": "light"}],
        investigation={
            "present": "on",
            "completed_on": "2026-03-01",
            "referrals": [{"sent_on": "2026-03-04"}],
        },
    )
    response = logged_in(client, inspector).post(reverse("inspection:accident-create"), data)
    page = response.context["page"]
    assert list(page.investigation.errors) == ["completed_on"]
    assert list(page.investigation_formsets["referrals"].forms[0].errors) == ["sent_on"]
    assert Accident.objects.count() == 0


def test_accident_edit_unticking_the_investigation_deletes_it(client, inspector):
    accident = services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    client = logged_in(client, inspector)
    url = reverse("inspection:accident-edit", args=[accident.pk])
    page = client.get(url).context["page"]
    assert page.investigation["present"].value() is True
    victims = [
        {"id": v.pk, "full_name": v.full_name, "iin": v.iin or "", "outcome": v.outcome}
        for v in accident.victims.all()
    ]
    data = accident_post(victims=victims)
    data["victims-INITIAL_FORMS"] = str(len(victims))
    response = client.post(url, data)
    assert response.status_code == 302
    assert not Investigation.objects.filter(accident=accident).exists()
    assert accident.victims.count() == 2


def test_another_regions_accident_page_is_404(client, inspector, other_inspector):
    accident = services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    client = logged_in(client, other_inspector)
    assert client.get(reverse("inspection:accident-detail", args=[accident.pk])).status_code == 404
    assert client.get(reverse("inspection:accident-edit", args=[accident.pk])).status_code == 404
    assert client.get(reverse("inspection:accident-list")).context["page_obj"].paginator.count == 0


def test_accident_detail_and_list_render(client, inspector):
    accident = services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    client = logged_in(client, inspector)
    detail = client.get(reverse("inspection:accident-detail", args=[accident.pk]))
    assert detail.status_code == 200
    assert "John Smith" in detail.content.decode()
    listing = client.get(reverse("inspection:accident-list"), {"outcome": "severe"})
    assert [a.pk for a in listing.context["objects"]] == [accident.pk]


def test_list_pages_query_count_does_not_grow_with_rows(client, chief, inspector):
    """ARCHITECTURE.md rule 3: lists read through selectors with their prefetches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(client, chief)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = (reverse("inspection:inspection-list"), reverse("inspection:accident-list"))
    services.inspection_create(acting_user=inspector, **service_kwargs(inspection_body()))
    services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    few = [queries(url) for url in urls]
    for _ in range(6):
        services.inspection_create(acting_user=inspector, **service_kwargs(inspection_body()))
        services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    assert [queries(url) for url in urls] == few
    assert few[0] <= 14 and few[1] <= 10


@pytest.mark.django_db
def test_list_finds_a_subject_by_words_of_its_name(client, make_user):
    client.force_login(make_user("inspector", region="75"))
    wanted = Inspection.objects.create(
        region_id="75",
        subject_bin=EMPLOYER_BIN,
        subject_name="ТОО «КайнарОйл Холдинг»",
        kind="unscheduled",
        started_on=datetime.date(2026, 3, 2),
    )
    other = Inspection.objects.create(
        region_id="75",
        subject_bin=OTHER_BIN,
        subject_name="АО «АстанаТранс»",
        kind="unscheduled",
        started_on=datetime.date(2026, 3, 2),
    )

    body = client.get("/inspection/inspections/", {"q": "холдинг кайнар"}).content.decode()

    assert f"/inspection/inspections/{wanted.pk}/" in body
    assert f"/inspection/inspections/{other.pk}/" not in body


def test_page_saves_as_many_child_rows_as_the_api_accepts(client, inspector):
    from core.limits import CHILD_ROWS_PER_LIST

    rows = [
        {"description": f"Violation {n}", "detected_on": "2026-03-03"}
        for n in range(CHILD_ROWS_PER_LIST)
    ]
    fines = [{"imposed_on": "2026-03-05", "amount_kzt": "100"} for _ in range(300)]
    data = inspection_post(violations=rows, fines=fines)
    assert len(data) > 2500, "more fields than Django's default limit of 1000"

    response = logged_in(client, inspector).post(reverse("inspection:inspection-create"), data)

    assert response.status_code == 302, response.content[:300]
    inspection = Inspection.objects.get()
    assert inspection.violations.count() == CHILD_ROWS_PER_LIST
    assert inspection.fines.count() == 300
    edit = client.get(reverse("inspection:inspection-edit", args=[inspection.pk]))
    assert edit.status_code == 200
    # Every row, and the empty row the "Add a row" button copies.
    assert edit.content.decode().count('data-testid="violations-row"') == CHILD_ROWS_PER_LIST + 1


# --- places ------------------------------------------------------------------------


def test_accident_page_accepts_a_code_missing_from_the_place_table_if_its_region_is_known(
    client, inspector
):
    from core.models import Place

    victims = [{"full_name": "Асқаров Ерлан", "iin": "", "outcome": "light"}]
    client = logged_in(client, inspector)
    assert not Place.objects.filter(code="759999999").exists()

    response = client.post(
        reverse("inspection:accident-create"), {**accident_post(victims), "kato": "759999999"}
    )

    assert response.status_code == 302
    assert Accident.objects.get().kato == "759999999"


def test_accident_page_refuses_a_code_whose_first_digits_are_no_region(client, inspector):
    victims = [{"full_name": "Асқаров Ерлан", "iin": "", "outcome": "light"}]
    data = {**accident_post(victims), "kato": "991110000"}

    response = logged_in(client, inspector).post(reverse("inspection:accident-create"), data)

    assert response.status_code == 200
    assert response.context["page"].form.errors["kato"] == [
        "The first two digits of the КАТО code are not a known region."
    ]
    assert not Accident.objects.exists()


def test_accident_page_refuses_a_place_name_left_in_the_code_field(client, inspector):
    victims = [{"full_name": "Асқаров Ерлан", "iin": "", "outcome": "light"}]
    data = {**accident_post(victims), "kato": "Алатау"}

    response = logged_in(client, inspector).post(
        reverse("inspection:accident-create"), data, HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.context["page"].form.errors["kato"] == ["Код КАТО состоит из 9 цифр."]
    assert not Accident.objects.exists()


def test_accident_form_offers_the_place_picker_of_the_inspectors_region(client, inspector):
    html = logged_in(client, inspector).get(reverse("inspection:accident-create")).content.decode()

    field = re.search(r'<input[^>]*name="kato"[^>]*>', html).group(0)
    assert f'data-place-picker="{reverse("place-search")}"' in field
    assert 'data-place-region="75"' in field
    assert 'list="kato-places"' in field and 'inputmode="numeric"' not in field
    assert "inspection/place-picker" in html


def test_accident_page_names_its_place_in_the_users_language(client, inspector):
    from core.models import Place

    Place.objects.create(code="751110000", name_kk="Алатау ауданы", name_ru="Алатауский район")
    accident = services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))
    client = logged_in(client, inspector)
    url = reverse("inspection:accident-detail", args=[accident.pk])

    kk = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    ru = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert re.search(r'data-testid="accident-place">Алатау ауданы <span[^>]*>\(751110000\)', kk)
    assert re.search(r'data-testid="accident-place">Алатауский район <span', ru)
