"""Admin of inspections and accidents: read-only pages, inlines, filters and history."""

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
    assert reverse("inspection:inspection-edit", args=[inspection.pk]) in html


def test_history_lists_the_records_events(admin_client_logged, inspection, inspector):
    url = reverse("admin:inspection_inspectionevent_changelist") + f"?pgh_obj={inspection.pk}"
    response = admin_client_logged.get(url)
    events = list(response.context["cl"].result_list)
    assert [e.pgh_label for e in events] == ["insert"]
    assert events[0].pgh_context.metadata["acting_user"] == inspector.pk


def test_admin_pages_are_read_only_and_link_to_the_inspectors_page(admin_client_logged, inspection):
    """One write path: the admin shows a record; corrections go through the services."""
    url = reverse("admin:inspection_inspection_change", args=[inspection.pk])
    page = admin_client_logged.get(url).content.decode()
    assert reverse("inspection:inspection-edit", args=[inspection.pk]) in page

    # given a post that would move a violation before the start of the inspection
    before = list(inspection.violations.values_list("pk", "detected_on"))
    response = admin_client_logged.post(
        url, {"started_on": "2026-03-02", "violations-0-detected_on": "2026-03-01"}
    )

    # then it is refused and nothing changed
    assert response.status_code == 403
    assert list(inspection.violations.values_list("pk", "detected_on")) == before
    add = admin_client_logged.post(reverse("admin:inspection_inspection_add"), {})
    assert add.status_code == 403
    assert Inspection.objects.count() == 1
