"""An inspector records an inspection and an accident in the browser; the chief
inspector generates the month; the figures appear on the form pages and in the
downloaded XLSX (issue: labour inspection and the monthly forms)."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core import demo
from core.models import Region
from inspection.models import Accident, Inspection
from reports.periods import previous_month

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Str0ng-pass-phrase"


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")


def log_out(page) -> None:
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_selector("#id_username")


def xlsx_row_values(content: bytes, region_label: str) -> dict[int, object]:
    """Values of the region's row keyed by the form's column numbers."""
    ws = load_workbook(BytesIO(content)).active
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    numbers = next(r for r in grid if r[0] == 1 and len(r) > 1 and r[1] == 2)
    row = next(r for r in grid if isinstance(r[0], str) and r[0].startswith(region_label))
    return {n: row[i] for i, n in enumerate(numbers) if isinstance(n, int) and n >= 2}


def test_inspector_records_month_and_chief_finds_it_in_forms(live_server, page, make_user):
    rng = random.Random(7)
    region = Region.objects.get(code="75")
    make_user("inspector", region="75", username="insp75", password=PASSWORD)
    make_user("chief_inspector", username="chief", password=PASSWORD)
    month = previous_month(dt.date.today())
    day = lambda n: month.replace(day=n).isoformat()  # noqa: E731
    period = month.strftime("%Y-%m")
    base = live_server.url

    # --- the inspector records an inspection with two violations and a fine
    log_in(page, base, "insp75")
    page.goto(f"{base}/inspection/inspections/new/")
    assert page.locator("#id_region").input_value() == "75"
    page.select_option("#id_kind", "unscheduled")
    page.fill("#id_subject_bin", demo.valid_bin(2015, 4, rng))
    page.fill("#id_started_on", day(3))
    page.fill("#id_completed_on", day(10))
    page.click("[data-testid=add-violations]")
    page.click("[data-testid=add-violations]")
    page.fill("[name=violations-0-description]", "Нет инструктажа по охране труда")
    page.fill("[name=violations-0-detected_on]", day(4))
    page.fill("[name=violations-1-description]", "Неисправное ограждение станка")
    page.fill("[name=violations-1-detected_on]", day(5))
    page.fill("[name=violations-1-eliminated_on]", day(9))
    page.click("[data-testid=add-fines]")
    page.fill("[name=fines-0-imposed_on]", day(10))
    page.fill("[name=fines-0-amount_kzt]", "172950")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=inspection-props]")
    assert page.locator("[data-testid=violations-table] tbody tr").count() == 2
    assert page.locator("[data-testid=fines-table] tbody tr").count() == 1

    # --- and an accident with two victims
    page.goto(f"{base}/inspection/accidents/new/")
    page.fill("#id_kato", "751110000")
    page.fill("#id_occurred_on", day(12))
    page.fill("#id_employer_bin", demo.valid_bin(2010, 2, rng))
    page.fill("#id_description", "Падение с высоты при монтаже лесов")
    page.click("[data-testid=add-victims]")
    page.click("[data-testid=add-victims]")
    page.fill("[name=victims-0-full_name]", "Ахметов Ерлан Серикович")
    page.select_option("[name=victims-0-outcome]", "severe")
    page.fill("[name=victims-1-full_name]", "Иванова Анна Петровна")
    page.select_option("[name=victims-1-outcome]", "light")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=accident-props]")
    assert page.locator("[data-testid=victims-table] tbody tr").count() == 2

    inspection = Inspection.objects.get()
    assert (inspection.region_id, inspection.created_by.username) == ("75", "insp75")
    assert inspection.violations.count() == 2 and inspection.fines.count() == 1
    assert Accident.objects.get().victims.count() == 2
    log_out(page)

    # --- the chief inspector generates the month and reads the figures
    log_in(page, base, "chief")
    kato = region.kato
    expected = {
        "1-meizhm": {2: "1", 3: "0", 4: "1", 5: "2", 6: "1", 8: "1", 9: "173.0"},
        "2-ozh": {2: "1", 3: "1", 4: "2", 5: "2", 6: "1", 7: "1", 8: "0"},
    }
    for form, cells in expected.items():
        page.goto(f"{base}/reports/{form}/{period}/")
        page.click("[data-testid=generate-button]")
        page.wait_for_selector("[data-testid=version-number]")
        for column, value in cells.items():
            # Pages show figures in the Russian format of the browser: a decimal comma.
            shown = value.replace(".", ",")
            assert page.inner_text(f"[data-testid=cell-{kato}-{column}]").strip() == shown, (
                form,
                column,
            )
            assert page.inner_text(f"[data-testid=cell-total-{column}]").strip() == shown

        with page.expect_download() as download_info:
            page.click("[data-testid=download-xlsx]")
        content = open(download_info.value.path(), "rb").read()
        row = xlsx_row_values(content, region.name_kk)
        for column, value in cells.items():
            assert Decimal(str(row[column])) == Decimal(value), (form, column, row[column])

    # --- a drill-down from the fines cell lists the inspection it counts
    page.goto(f"{base}/reports/1-meizhm/{period}/")
    page.click(f"[data-testid=cell-{kato}-8]")
    page.wait_for_selector("[data-testid=cell-records]")
    assert re.search(rf"#?{inspection.pk}\b", page.inner_text("[data-testid=cell-records]"))
