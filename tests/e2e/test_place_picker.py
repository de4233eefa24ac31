"""An inspector picks the accident's place by its name in the browser; the record
page then names the place (КАТО table, place picker)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import demo
from core.places import import_kato_file
from inspection.models import Accident

from .test_inspector_month import PASSWORD, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).parent.parent / "core" / "data" / "kato_sample.xlsx"


def test_inspector_finds_the_place_by_name_and_the_accident_page_names_it(
    live_server, page, make_user, tmp_path
):
    import_kato_file(SAMPLE)
    make_user("inspector", region="35", username="insp35", password=PASSWORD)
    base = live_server.url
    log_in(page, base, "insp35")

    page.goto(f"{base}/inspection/accidents/new/")
    page.fill("#id_kato", "")
    page.type("#id_kato", "Уштоб")
    # (locators, not wait_for_function: the page's CSP forbids evaluating strings)
    page.locator("#kato-places option[value='353230100']").wait_for(state="attached")
    options = page.eval_on_selector_all(
        "#kato-places option", "os => os.map(o => [o.value, o.label])"
    )
    assert options == [["353230100", "с.Уштобе"]]
    page.fill("#id_kato", "353230100")
    page.dispatch_event("#id_kato", "input")
    expect(page.get_by_test_id("place-name")).to_have_text("с.Уштобе")
    assert page.get_attribute("#id_kato", "aria-describedby") == "kato-place-name"
    page.screenshot(path=str(tmp_path / "picker.png"), full_page=True)

    page.fill("#id_occurred_on", (dt.date.today() - dt.timedelta(days=3)).isoformat())
    page.fill("#id_employer_bin", demo.valid_bin(2010, 2, random.Random(3)))
    page.fill("#id_description", "Падение с высоты")
    page.fill("[name=victims-0-full_name]", "Серикова Айгерим")
    page.select_option("[name=victims-0-outcome]", "light")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=accident-props]")

    assert Accident.objects.get().kato == "353230100"
    assert page.text_content("[data-testid=accident-place]").split() == ["с.Уштобе", "(353230100)"]
