"""The form pages as a user of the system of record reads them: Kazakh and Russian
formats, a warning before finalising a version whose records changed, checks in words."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from reports.services import form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 9)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief_client(client, make_user):
    client.force_login(make_user("chief_inspector"))
    return client


def test_stale_version_is_flagged_on_the_form_and_the_finalise_page(chief_client, records):
    records.accident("75", occurred_on=IN, outcomes=("light",))
    form_generate(form="2-ozh", period=OCT, source="command")
    detail, confirm = "/reports/2-ozh/2025-10/", "/reports/2-ozh/2025-10/versions/1/finalise/"

    fresh = chief_client.get(detail).content.decode()
    records.accident("75", occurred_on=IN, outcomes=("fatal",))
    stale = chief_client.get(detail).content.decode()
    stale_confirm = chief_client.get(confirm).content.decode()

    assert 'data-testid="stale-warning"' not in fresh
    assert 'data-testid="stale-warning"' in stale
    assert 'data-testid="stale-warning"' in stale_confirm
    assert 'data-testid="finalise-confirm"' in stale_confirm, "a warning, not a block"


def test_failed_check_names_the_columns_and_the_figures(chief_client, records):
    # An investigation completed in October of an accident of the year before:
    # column 14 of 1-МЕИЖМ exceeds the accidents of the year (2-ӨЖ column 2).
    accident = records.accident("75", occurred_on=date(2024, 12, 20))
    records.investigation(accident, completed_on=IN)
    form_generate(form="1-meizhm", period=OCT, source="command")

    html = chief_client.get("/reports/1-meizhm/2025-10/", HTTP_ACCEPT_LANGUAGE="ru").content
    item = re.search(
        r'data-testid="check-meizhm_14_within_accidents_ytd".*?</ul>', html.decode(), re.S
    )

    assert item
    text = " ".join(re.sub(r"<[^>]+>", " ", item.group(0)).split())
    assert "по номерам граф: 14 ≤" in text
    assert re.search(r"графы 14 дают 1, графы .+ дают 0\.", text), text


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_dates_and_amounts_read_in_the_language_format(client, make_user, records, language):
    inspection = records.inspection("75", started_on=date(2025, 10, 5))
    records.fine(inspection, imposed_on=date(2025, 10, 6), amount=Decimal("172950.00"))
    client.force_login(make_user("inspector", region="75"))

    listing = client.get("/inspection/inspections/", HTTP_ACCEPT_LANGUAGE=language)
    page = client.get(f"/inspection/inspections/{inspection.pk}/", HTTP_ACCEPT_LANGUAGE=language)

    assert "05.10.2025" in listing.content.decode()
    body = page.content.decode()
    assert "06.10.2025" in body
    assert "172\xa0950,00" in body
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", body), "24-hour time, no a.m./p.m."
    assert "2025-10-05" not in listing.content.decode()


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytest.mark.parametrize("form", ["1-meizhm", "2-ozh"])
def test_pdf_keeps_words_whole_and_the_signatures_with_the_table(records, form):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from reports.exports import PrintedForm

    records.inspection("75", started_on=IN, completed_on=IN)
    version = form_generate(form=form, period=OCT, source="command").version
    printed = PrintedForm.of(version)
    document = HTML(string=render_to_string("reports/form_pdf.html", {"printed": printed}))
    pages = document.render().pages
    title_words = set()
    for cell in printed.header_cells():
        title_words |= set(re.findall(r"\w+", f"{cell.kk} {cell.ru}"))

    fragments, seal_page, rows_on = set(), None, {}
    for number, page in enumerate(pages, 1):
        for box in _boxes(page._page_box):
            kind = type(box).__name__
            if kind == "TableCellBox" and box.element_tag == "th":
                for text_box in _boxes(box):
                    if type(text_box).__name__ == "TextBox":
                        fragments |= set(re.findall(r"\w+", text_box.text)) - title_words
            if kind == "TableRowBox" and box.element_tag == "tr":
                rows_on[number] = rows_on.get(number, 0) + 1
            if kind == "TextBox" and printed.seal_place in box.text:
                seal_page = number

    assert not fragments, f"title words broken: {sorted(fragments)}"
    assert seal_page is not None
    # Besides the repeated column titles (3 rows), the signature page has rows of figures.
    assert rows_on.get(seal_page, 0) > 3, rows_on
