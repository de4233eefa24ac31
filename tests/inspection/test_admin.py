"""Admin of inspections and accidents: inlines, filters, the child rules and history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspection import services
from inspection.models import Inspection

from .conftest import accident_body, inspection_body, service_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client, make_user):
    client.force_login(make_user("admin"))
    return client


@pytest.fixture
def inspection(inspector):
    return services.inspection_create(acting_user=inspector, **service_kwargs(inspection_body()))


@pytest.fixture
def accident(inspector):
    return services.accident_create(acting_user=inspector, **service_kwargs(accident_body()))


def test_admin_lists_and_change_pages_render(admin_client_logged, inspection, accident):
    client = admin_client_logged
    for url in (
        reverse("admin:inspection_inspection_changelist"),
        reverse("admin:inspection_inspection_changelist")
        + "?region__code__exact=75&kind=unscheduled",
        reverse("admin:inspection_inspection_change", args=[inspection.pk]),
        reverse("admin:inspection_accident_changelist") + "?victims__outcome=severe",
        reverse("admin:inspection_accident_change", args=[accident.pk]),
        reverse("admin:inspection_investigation_change", args=[accident.investigation.pk]),
        reverse("admin:inspection_inspectionevent_changelist") + f"?pgh_obj={inspection.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    change = client.get(reverse("admin:inspection_inspection_change", args=[inspection.pk]))
    html = change.content.decode()
    assert "No guard on the press" in html  # the violations inline
    assert "violations-TOTAL_FORMS" in html and "fines-TOTAL_FORMS" in html


def test_history_lists_the_records_events(admin_client_logged, inspection, inspector):
    url = reverse("admin:inspection_inspectionevent_changelist") + f"?pgh_obj={inspection.pk}"
    response = admin_client_logged.get(url)
    events = list(response.context["cl"].result_list)
    assert [e.pgh_label for e in events] == ["insert"]
    assert events[0].pgh_context.metadata["user"] == inspector.pk


def _inline_post(inspection: Inspection, violation_detected_on: str) -> dict:
    data = {
        "region": "75",
        "subject_bin": inspection.subject_bin,
        "subject_iin": "",
        "subject_name": "",
        "kind": inspection.kind,
        "started_on": "2026-03-02",
        "completed_on": "2026-03-20",
    }
    prefixes = {
        "violations": inspection.violations.all(),
        "orders": [],
        "fines": [],
        "suspensions": [],
        "removals": [],
        "referrals": [],
        "criminalcases": [],
    }
    for prefix, rows in prefixes.items():
        rows = list(rows)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(len(rows)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows):
            data.update(
                {
                    f"{prefix}-{index}-id": str(row.pk),
                    f"{prefix}-{index}-inspection": str(inspection.pk),
                    f"{prefix}-{index}-description": row.description,
                    f"{prefix}-{index}-detected_on": violation_detected_on,
                    f"{prefix}-{index}-eliminated_on": "",
                }
            )
    return data


def test_admin_inline_checks_the_child_rules(admin_client_logged, inspection):
    """INTERFACES.md § Inspection: nothing an inspection produced predates its start."""
    url = reverse("admin:inspection_inspection_change", args=[inspection.pk])
    response = admin_client_logged.post(url, _inline_post(inspection, "2026-03-01"))
    assert response.status_code == 200
    formset = next(
        fs for fs in response.context["inline_admin_formsets"] if fs.formset.prefix == "violations"
    ).formset
    assert list(formset.forms[0].errors) == ["detected_on"]
    assert not inspection.violations.filter(detected_on="2026-03-01").exists()

    response = admin_client_logged.post(url, _inline_post(inspection, "2026-03-05"))
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.violations.filter(detected_on="2026-03-05").count() == 2
    assert inspection.updated_by.is_superuser
