"""API documentation: the OpenAPI 3 schema and Swagger UI, behind a login, no CDN."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_schema_is_openapi_3_and_lists_the_api(api_client_for, make_user):
    client = api_client_for(make_user("chief_inspector"))

    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    assert "/api/v1/regions/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_schema_requires_authentication(client):
    response = client.get("/api/schema/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "openapi" not in response.content.decode()


@pytest.mark.django_db
def test_docs_page_sends_anonymous_browser_to_login(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/docs/")


@pytest.mark.django_db
def test_swagger_ui_is_served_from_local_static_files_only(client, make_user):
    client.force_login(make_user("ops"))
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, "the page loads the Swagger UI bundle"
    # The page's own set-up script comes from the docs URL (no inline script, as the
    # Content-Security-Policy asks); everything else from the static files.
    scripts = [url for url in references if url.startswith("/api/docs/?script")]
    assert len(scripts) == 1
    for url in set(references) - set(scripts):
        assert url.startswith(static_prefix), url
        assert finders.find(url.removeprefix(static_prefix)) is not None, f"{url} is shipped"
    assert "<script>" not in html.replace(" ", "")
    script = client.get(scripts[0]).content.decode()
    assert "SwaggerUIBundle" in script
    for text in (html, script):
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text), "no external host"
    assert '"validatorUrl": null' in script
    assert '"/api/schema/"' in script
