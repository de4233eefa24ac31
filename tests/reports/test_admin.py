"""Admin: form versions are read-only; a final version cannot be changed or deleted there."""

from __future__ import annotations

from datetime import date

import pytest

from reports.models import FormVersion, ReportHeader
from reports.services import form_finalise, form_generate

OCT = date(2025, 10, 1)


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin"))
    return client


@pytest.mark.django_db
def test_admin_lists_versions_with_filters(admin_client):
    form_generate(form="2-ozh", period=OCT, source="command")

    response = admin_client.get("/admin/reports/formversion/", {"status__exact": "draft"})

    assert response.status_code == 200
    assert "2-ӨЖ" in response.content.decode()


@pytest.mark.django_db
def test_final_version_is_read_only_and_undeletable_in_the_admin(admin_client, make_user):
    version = form_generate(form="2-ozh", period=OCT, source="command").version
    form_finalise(version=version, acting_user=make_user("chief_inspector"))
    change_url = f"/admin/reports/formversion/{version.pk}/change/"

    page = admin_client.get(change_url)
    post = admin_client.post(change_url, {"status": "draft", "rows": "[]"})
    delete_page = admin_client.get(f"/admin/reports/formversion/{version.pk}/delete/")
    delete = admin_client.post(f"/admin/reports/formversion/{version.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(
        "/admin/reports/formversion/",
        {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"},
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a view page, no form to save
    assert post.status_code == 403
    assert delete_page.status_code == 403 and delete.status_code == 403
    assert bulk.status_code == 403
    stored = FormVersion.objects.get(pk=version.pk)
    assert stored.status == "final" and stored.rows == version.rows


@pytest.mark.django_db
def test_a_draft_may_be_deleted_in_the_admin(admin_client):
    version = form_generate(form="2-ozh", period=OCT, source="command").version

    admin_client.post(f"/admin/reports/formversion/{version.pk}/delete/", {"post": "yes"})

    assert not FormVersion.objects.exists()


@pytest.mark.django_db
def test_admin_finalise_action_uses_the_service(admin_client):
    version = form_generate(form="2-ozh", period=OCT, source="command").version

    admin_client.post(
        "/admin/reports/formversion/",
        {"action": "finalise_selected", "_selected_action": [version.pk]},
    )

    version.refresh_from_db()
    assert version.status == "final" and version.finalised_by.is_superuser


@pytest.mark.django_db
def test_report_header_is_edited_in_the_admin_and_used_by_the_next_version(admin_client):
    from core.models import Organisation

    organisation = Organisation.objects.create(
        bin="010140000010", name="Regulator", kind="regulator", phone="+7 1"
    )
    response = admin_client.post(
        "/admin/reports/reportheader/add/",
        {"organisation": organisation.pk, "executor": "Executor E.", "head": "Head H."},
    )
    assert response.status_code == 302
    assert ReportHeader.objects.get().executor == "Executor E."

    header = form_generate(form="2-ozh", period=OCT, source="command").version.header

    assert {k: header[k] for k in ("bin", "name", "phone", "executor", "head")} == {
        "bin": "010140000010",
        "name": "Regulator",
        "phone": "+7 1",
        "executor": "Executor E.",
        "head": "Head H.",
    }
