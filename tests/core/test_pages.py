"""Shared pages: the language switcher and the home page of each role."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Region


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page declares its language"
    return match.group(1)


def hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


@pytest.mark.django_db
def test_default_language_is_kazakh(client, settings):
    from config.settings import base

    settings.LANGUAGE_CODE = base.LANGUAGE_CODE
    assert html_lang(client.get(reverse("login"))) == "kk"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_language_switcher_sets_the_language_of_the_pages(client, language):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("login")}
    )

    assert response.status_code == 302 and response.url == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert html_lang(client.get(reverse("login"))) == language


@pytest.mark.django_db
def test_an_unoffered_language_falls_back_to_the_default(client):
    client.post(reverse("set_language"), {"language": "de", "next": "/"})

    assert html_lang(client.get(reverse("login"))) == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_language_switcher_is_on_every_page_for_logged_in_users_too(client, make_user):
    client.force_login(make_user("chief_inspector"))

    body = client.get(reverse("home")).content.decode()

    assert f'action="{reverse("set_language")}"' in body
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in body


@pytest.mark.django_db
def test_home_needs_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


@pytest.mark.django_db
def test_inspector_home_shows_recording_tiles_of_the_own_region(client, make_user):
    client.force_login(make_user("inspector", region="75"))

    response = client.get(reverse("home"))

    links = hrefs(response)
    assert {
        reverse("inspection:inspection-create"),
        reverse("inspection:accident-create"),
        reverse("inspection:inspection-list"),
        reverse("reports:form-index"),
    } <= links
    assert reverse("reports:dashboard") not in links
    assert reverse("admin:index") not in links
    assert Region.objects.get(code="75").name_en in response.content.decode()


@pytest.mark.django_db
def test_chief_inspector_home_shows_dashboard_and_forms(client, make_user):
    client.force_login(make_user("chief_inspector"))

    links = hrefs(client.get(reverse("home")))

    assert {reverse("reports:dashboard"), reverse("reports:form-index")} <= links
    assert reverse("inspection:inspection-create") not in links


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["insurer", "medical_system"])
def test_api_client_roles_see_the_api_documentation_only(client, make_user, insurer_org, role):
    organisation = insurer_org if role == "insurer" else None
    client.force_login(make_user(role, organisation=organisation))

    links = hrefs(client.get(reverse("home")))

    assert reverse("api-docs") in links
    assert reverse("inspection:inspection-list") not in links
    assert reverse("reports:form-index") not in links
    assert reverse("admin:index") not in links


@pytest.mark.django_db
def test_ops_home_shows_administration_and_forms(client, make_user):
    client.force_login(make_user("ops"))

    links = hrefs(client.get(reverse("home")))

    assert {reverse("admin:index"), reverse("reports:form-index")} <= links
    assert reverse("inspection:inspection-create") not in links


@pytest.mark.django_db
def test_admin_home_shows_administration_and_dashboard(client, make_user):
    client.force_login(make_user("admin"))

    links = hrefs(client.get(reverse("home")))

    assert {reverse("admin:index"), reverse("reports:dashboard")} <= links


@pytest.mark.django_db
def test_user_without_a_role_sees_no_tiles(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x-Long-pass-1"))

    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'class="tiles"' not in body
    assert "no role yet" in body


@pytest.mark.django_db
def test_mhi_operator_home_leads_to_the_registry_pages_not_the_api_documentation(client, make_user):
    client.force_login(make_user("mhi_operator"))

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="kk")

    links = hrefs(response)
    assert {reverse("mhi:lookup"), reverse("mhi:inclusion")} <= links
    assert reverse("api-docs") not in links
    assert 'lang="kk"' in response.content.decode()
