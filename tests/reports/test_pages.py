"""Pages of the monthly forms: index, form of a month, generate, finalise, drill-down."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reports.definitions import MEIZHM, OZH
from reports.models import FormVersion
from reports.services import form_finalise, form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 9)
DETAIL = "/reports/{form}/2025-10/"


def text_of(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


@pytest.fixture
def chief_client(client, make_user):
    client.force_login(make_user("chief_inspector"))
    return client


@pytest.mark.django_db
def test_index_lists_months_and_opens_a_form(chief_client):
    form_generate(form="2-ozh", period=OCT, source="command")

    page = chief_client.get("/reports/")
    picked = chief_client.get("/reports/", {"form": "2-ozh", "month": "2025-10"})

    assert page.status_code == 200
    assert 'data-testid="form-picker"' in page.content.decode()
    assert picked.status_code == 302 and picked["Location"] == "/reports/2-ozh/2025-10/"


@pytest.mark.django_db
def test_form_page_generate_button_then_cells_show_the_figures(chief_client, records):
    records.accident("75", occurred_on=IN, outcomes=("light", "fatal"))
    empty = chief_client.get(DETAIL.format(form="2-ozh")).content.decode()
    assert 'data-testid="no-version"' in empty and 'data-testid="generate-button"' in empty

    response = chief_client.post(DETAIL.format(form="2-ozh") + "generate/")

    assert response.status_code == 302
    assert response["Location"] == "/reports/2-ozh/2025-10/?version=1"
    html = chief_client.get(response["Location"]).content.decode()
    assert FormVersion.objects.get().source == "page"
    assert text_of(html, "cell-750000000-4") == "2"
    assert text_of(html, "cell-750000000-8") == "1"
    assert text_of(html, "cell-total-2") == "1"
    assert text_of(html, "cell-110000000-2") == "0"
    assert 'data-testid="version-status" data-status="draft"' in html
    assert 'data-testid="check-ozh_4_is_6_7_8" data-passed="true"' in html
    assert (
        'href="/api/v1/reports/2-ozh/2025-10/versions/1/xlsx" data-testid="download-xlsx"' in html
    )
    assert 'href="/api/v1/reports/2-ozh/2025-10/versions/1/pdf" data-testid="download-pdf"' in html
    assert 'data-testid="finalise-button"' in html
    assert html.count('data-testid="row-') == 21


@pytest.mark.django_db
def test_finalise_asks_for_confirmation_then_finalises(chief_client):
    form_generate(form="2-ozh", period=OCT, source="command")
    url = DETAIL.format(form="2-ozh") + "versions/1/finalise/"

    confirm = chief_client.get(url)
    assert 'data-testid="finalise-confirm"' in confirm.content.decode()
    assert FormVersion.objects.get().status == "draft"

    done = chief_client.post(url)
    assert done.status_code == 302
    assert FormVersion.objects.get().status == "final"
    html = chief_client.get(done["Location"]).content.decode()
    assert 'data-status="final"' in html
    assert 'data-testid="finalise-button"' not in html
    again = chief_client.post(url, follow=True).content.decode()
    assert "Version 1 is already final." in again


@pytest.mark.django_db
def test_correction_page_marks_changed_cells(chief_client, records, make_user):
    version = form_generate(form="2-ozh", period=OCT, source="command").version
    form_finalise(version=version, acting_user=make_user("chief_inspector"))
    records.accident("75", occurred_on=IN)
    form_generate(form="2-ozh", period=OCT, source="command")

    html = chief_client.get(DETAIL.format(form="2-ozh") + "?version=2").content.decode()

    assert 'data-testid="version-kind"' in html
    assert 'data-testid="diff-summary"' in html
    assert re.search(r'class="num changed" title="[^"]*0"><a [^>]*cell-750000000-2"', html)
    assert 'data-testid="finalise-button"' in html  # a correction of the final one


@pytest.mark.django_db
def test_failed_checks_are_highlighted(chief_client, make_user, records):
    # An investigation in October of an accident of the previous year fails 14 <= YTD.
    records.investigation(records.accident("75", occurred_on=date(2024, 12, 30)), completed_on=IN)
    form_generate(form="1-meizhm", period=OCT, source="command")

    html = chief_client.get(DETAIL.format(form="1-meizhm")).content.decode()

    assert 'data-testid="check-meizhm_14_within_accidents_ytd" data-passed="false"' in html
    assert 'data-testid="row-750000000" class="check-failed"' in html


@pytest.mark.django_db
def test_inspector_page_shows_only_their_region_and_no_buttons(client, make_user, records):
    records.accident("11", occurred_on=IN)
    form_generate(form="2-ozh", period=OCT, source="command")
    client.force_login(make_user("inspector", region="11"))

    html = client.get(DETAIL.format(form="2-ozh")).content.decode()

    assert html.count('data-testid="row-') == 1
    assert text_of(html, "cell-110000000-2") == "1"
    assert 'data-testid="row-total"' not in html
    assert 'data-testid="generate-button"' not in html
    assert 'data-testid="finalise-button"' not in html
    assert client.post(DETAIL.format(form="2-ozh") + "generate/").status_code == 403
    assert client.get(DETAIL.format(form="2-ozh") + "cells/total/2/").status_code == 403
    assert client.get(DETAIL.format(form="2-ozh") + "cells/750000000/2/").status_code == 403
    assert client.get(DETAIL.format(form="2-ozh") + "cells/110000000/2/").status_code == 200


@pytest.mark.django_db
def test_pages_need_a_login_and_a_role_with_forms(client, make_user, insurer_org):
    assert client.get("/reports/").status_code == 302
    client.force_login(make_user("insurer", organisation=insurer_org))
    assert client.get("/reports/").status_code == 403
    assert client.get(DETAIL.format(form="2-ozh")).status_code == 403


@pytest.mark.django_db
def test_unknown_form_or_month_is_404(chief_client):
    assert chief_client.get("/reports/9-xx/2025-10/").status_code == 404
    assert chief_client.get("/reports/2-ozh/2025-13/").status_code == 404
    assert chief_client.get("/reports/2-ozh/2025-10/?version=5").status_code == 404


def _record_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-testid="record-(\d+)"', html)}


@pytest.mark.django_db
def test_drill_down_lists_exactly_the_records_a_cell_counts(chief_client, records):
    inspection = records.inspection("75", completed_on=IN)
    other = records.inspection("11", completed_on=IN)
    counted = {
        records.violation(inspection, detected_on=IN).pk,
        records.violation(inspection, detected_on=date(2025, 10, 1), eliminated_on=IN).pk,
    }
    records.violation(inspection, detected_on=date(2025, 9, 30), eliminated_on=IN)
    records.violation(other, detected_on=IN)
    records.violation(inspection, detected_on=date(2025, 11, 1))
    version = form_generate(form="1-meizhm", period=OCT, source="command").version

    response = chief_client.get(
        DETAIL.format(form="1-meizhm") + "cells/750000000/5/", {"version": version.number}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert _record_ids(html) == counted
    assert text_of(html, "cell-live") == "2"
    assert text_of(html, "cell-stored") == "2"
    assert 'data-testid="cell-differs"' not in html
    total = chief_client.get(DETAIL.format(form="1-meizhm") + "cells/total/5/").content.decode()
    assert len(_record_ids(total)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "column"),
    [("1-meizhm", c.number) for c in MEIZHM.columns] + [("2-ozh", c.number) for c in OZH.columns],
)
def test_drill_down_count_matches_the_generated_cell_for_every_column(
    chief_client, records, form, column
):
    inspection = records.inspection("75", kind="preventive_control", completed_on=IN)
    records.violation(inspection, detected_on=IN, eliminated_on=IN)
    records.order(inspection, issued_on=IN)
    records.fine(inspection, imposed_on=IN, amount="1250.00")
    for kind in ("equipment", "facility", "organisation"):
        records.suspension(inspection, kind, IN)
    records.removal(inspection, IN, 3)
    accident = records.accident("75", occurred_on=IN, outcomes=("light", "severe", "fatal"))
    investigation = records.investigation(accident, completed_on=IN)
    records.referral(IN, inspection=inspection)
    records.referral(IN, investigation=investigation)
    records.criminal_case(IN, investigation=investigation, persons=2, prosecuted_on=IN)
    version = form_generate(form=form, period=OCT, source="command").version
    stored = next(r for r in version.rows if r["kato"] == "750000000")["values"][column]

    html = chief_client.get(
        DETAIL.format(form=form) + f"cells/750000000/{column}/", {"version": 1}
    ).content.decode()

    assert text_of(html, "cell-live") == str(stored)
    assert text_of(html, "cell-stored") == str(stored)
    if column not in {"9", "13", "17"}:  # sums: several records may make one figure
        assert len(_record_ids(html)) == stored


@pytest.mark.django_db
def test_drill_down_of_a_changed_month_says_so(chief_client, records):
    form_generate(form="2-ozh", period=OCT, source="command")
    records.accident("75", occurred_on=IN)

    html = chief_client.get(
        DETAIL.format(form="2-ozh") + "cells/750000000/2/", {"version": 1}
    ).content.decode()

    assert text_of(html, "cell-live") == "1"
    assert text_of(html, "cell-stored") == "0"
    assert 'data-testid="cell-differs"' in html


@pytest.mark.django_db
def test_seed003_form_page_shows_due_date_and_overdue_until_finalised(chief_client, make_user):
    # Due by the 3rd of the following month; October 2025 is long past that.
    page = chief_client.get(DETAIL.format(form="2-ozh")).content.decode()
    assert "03.11.2025" in text_of(page, "due-date")
    assert 'data-testid="overdue"' in page

    version = form_generate(form="2-ozh", period=OCT, source="command").version
    assert 'data-testid="overdue"' in chief_client.get(DETAIL.format(form="2-ozh")).content.decode()
    form_finalise(version=version, acting_user=make_user("chief_inspector"))

    page = chief_client.get(DETAIL.format(form="2-ozh")).content.decode()
    assert 'data-testid="overdue"' not in page
    assert "03.11.2025" in text_of(page, "due-date")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_check_expressions_with_words_read_in_the_users_language(chief_client, language):
    from django.utils import translation

    form_generate(form="1-meizhm", period=OCT, source="command")
    with translation.override(language):
        expected = translation.gettext("6 ≤ 5 + still open from earlier months")
    assert expected != "6 ≤ 5 + still open from earlier months"

    page = chief_client.get(DETAIL.format(form="1-meizhm"), HTTP_ACCEPT_LANGUAGE=language)

    assert expected in page.content.decode()
    # The stored version keeps the language-neutral expression.
    assert FormVersion.objects.get().checks[1]["expression"] == "6 ≤ 5 + open"


@pytest.mark.django_db
def test_drill_down_names_regions_and_places_with_one_lookup_per_page(chief_client, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from core.models import Place

    Place.objects.create(code="751110000", name_kk="Алатау ауданы", name_ru="Алатауский район")
    url = DETAIL.format(form="2-ozh") + "cells/750000000/2/"

    def drill_down() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            html = chief_client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        return len(ctx.captured_queries), html

    first = records.accident("75", occurred_on=IN)
    first.kato = "751110000"
    first.save()
    few, _html = drill_down()
    for _ in range(5):
        records.accident("75", occurred_on=IN)
    many, html = drill_down()

    assert many == few
    assert len(_record_ids(html)) == 6
    with translation.override("ru"):
        assert "Алатауский район (751110000)" in html
        assert html.count("город Алматы (750000000)") == 5  # the factory's region-level code
        assert "<td>город Алматы</td>" in html  # the region column: a name, not "75"
