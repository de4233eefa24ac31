"""Every page, at desktop (1366 px) and phone (390 px) width, in Kazakh and Russian:
the axe-core scan finds no WCAG 2.1 A/AA violation, nothing scrolls sideways, and the
Content-Security-Policy blocks nothing the page needs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from inspection import services as inspection_services
from reports.periods import previous_month
from reports.services import form_generate
from tests.inspection.conftest import EMPLOYER_BIN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Str0ng-pass-phrase"
WIDTHS = (1366, 390)
LANGUAGES = ("kk", "ru")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: scripts/test.sh runs npm ci")
    return AXE.read_text()


def _scan(page, axe: str) -> list[dict]:
    # Evaluated through the browser's debugging protocol, which the page's
    # Content-Security-Policy does not govern (an inline <script> would be refused).
    page.evaluate(axe)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
            "help": v["help"],
        }
        for v in result["violations"]
    ]


@pytest.fixture
def records(make_user):
    """An inspection and the monthly forms of its month, so every page has content."""
    inspector = make_user("inspector", region="75", username="insp75", password=PASSWORD)
    chief = make_user("chief_inspector", username="chief", password=PASSWORD)
    month = previous_month(dt.date.today())
    inspection = inspection_services.inspection_create(
        acting_user=inspector,
        region="75",
        kind="unscheduled",
        subject_bin=EMPLOYER_BIN,
        subject_name="ТОО «Жұмысшы»",
        started_on=month.replace(day=3),
        completed_on=month.replace(day=10),
        violations=[{"description": "Нет инструктажа", "detected_on": month.replace(day=4)}],
        fines=[{"imposed_on": month.replace(day=10), "amount_kzt": "172950.00"}],
    )
    for form in ("1-meizhm", "2-ozh"):
        form_generate(form=form, period=month, source="page", acting_user=chief)
    return {"inspection": inspection, "period": month.strftime("%Y-%m")}


def _pages(records) -> dict[str, list[str]]:
    period, pk = records["period"], records["inspection"].pk
    return {
        "insp75": [
            "/",
            "/inspection/inspections/",
            f"/inspection/inspections/{pk}/",
            "/inspection/inspections/new/",
            f"/inspection/inspections/{pk}/edit/",
            "/inspection/accidents/",
            "/inspection/accidents/new/",
            "/reports/",
            f"/reports/1-meizhm/{period}/",
            "/inspection/inspections/999999/",
            "/reports/dashboard/",
        ],
        "chief": [
            f"/reports/1-meizhm/{period}/",
            f"/reports/2-ozh/{period}/",
            f"/reports/1-meizhm/{period}/cells/total/2/",
            f"/reports/1-meizhm/{period}/versions/1/finalise/",
            "/reports/dashboard/",
        ],
    }


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_the_axe_scan_and_fits_the_screen(
    live_server, browser, records, language, width
):
    axe = _axe_source()
    base = live_server.url
    problems: dict[str, object] = {}
    for username, paths in _pages(records).items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
        page = context.new_page()
        page.set_default_timeout(15000)
        refused: list[str] = []
        page.on(
            "console",
            lambda m, refused=refused: (
                refused.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        page.goto(f"{base}/accounts/login/")
        login_violations = _scan(page, axe)
        if login_violations:
            problems["/accounts/login/"] = login_violations
        _log_in(page, base, username)
        for path in paths:
            page.goto(base + path)
            assert page.evaluate("document.documentElement.lang") == language, path
            violations = _scan(page, axe)
            if violations:
                problems[f"{username} {path}"] = violations
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems[f"{username} {path} scrolls sideways"] = overflow
        # A refused save: errors announced, focus on their summary, still no violation.
        page.goto(f"{base}/inspection/inspections/new/")
        if username == "insp75":
            page.click("[data-testid=add-violations]")
            page.click("[data-testid=submit]")
            page.wait_for_selector("[data-testid=form-errors]")
            assert page.evaluate("document.activeElement.dataset.testid") == "form-errors"
            violations = _scan(page, axe)
            if violations:
                problems["form with errors"] = violations
        if refused:
            problems[f"{username}: refused by the Content-Security-Policy"] = refused
        context.close()

    assert not problems, problems
