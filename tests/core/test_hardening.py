"""Security defaults of every page: Content-Security-Policy, lockout keyed on the real
client address behind the proxy, formula-safe admin exports, localised error pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

PASSWORD = "Str0ng-pass-phrase"

pytestmark = pytest.mark.django_db


def csp_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/",
        "/inspection/inspections/",
        "/admin/",
        "/api/docs/",
        "/api/v1/inspections/",
        "/no-such-page/",
    ],
)
def test_every_page_has_a_content_security_policy_without_inline_scripts(client, make_user, path):
    client.force_login(make_user("admin"))

    response = client.get(path)

    policy = csp_of(response)
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert all(v == "'unsafe-hashes'" or v.startswith("'sha256-") for v in policy["script-src"][1:])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_api_docs_load_their_script_from_this_site(client, make_user):
    client.force_login(make_user("admin"))

    page = client.get("/api/docs/").content.decode()

    assert "<script>" not in page.replace(" ", "")
    assert 'src="/api/docs/?script=' in page or "?script=" in page


def _login_through_proxy(client, username, password, client_address, forged=""):
    """A login as the reverse proxy passes it on: the proxy appends the client's address."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{forged}{client_address}",
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(client, make_user):
    chief = make_user("chief_inspector", password=PASSWORD)

    for _attempt in range(5):
        _login_through_proxy(client, chief.username, "wrong", "203.0.113.7")
    attacker_again = _login_through_proxy(client, chief.username, PASSWORD, "203.0.113.7")
    chief_at_work = _login_through_proxy(client, chief.username, PASSWORD, "198.51.100.20")

    assert attacker_again.status_code == 429
    assert chief_at_work.status_code == 302
    assert int(client.session["_auth_user_id"]) == chief.pk


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, make_user):
    chief = make_user("chief_inspector", password=PASSWORD)

    for n in range(5):
        _login_through_proxy(client, chief.username, "wrong", "203.0.113.7", f"10.0.0.{n}, ")
    forged_again = _login_through_proxy(
        client, chief.username, PASSWORD, "203.0.113.7", "198.51.100.20, "
    )

    assert forged_again.status_code == 429


def test_without_a_proxy_the_forwarded_header_is_ignored(rf):
    from core.network import client_address

    request = rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_address(request) == "192.0.2.5"


@pytest.mark.parametrize("export_format", ["0", "1"])  # CSV, XLSX
def test_admin_export_writes_formula_like_text_as_text(client, make_user, export_format):
    from io import BytesIO

    from openpyxl import load_workbook

    from core.models import Organisation

    Organisation.objects.create(bin="010140000014", name='=HYPERLINK("http://x")', kind="insurer")
    Organisation.objects.create(bin="000140000019", name="@SUM(A1)", kind="insurer", phone="-1")
    client.force_login(make_user("admin"))
    url = reverse("admin:core_organisation_export")

    response = client.post(url, {"format": export_format, **_all_export_fields(client, url)})

    assert response.status_code == 200, response.content[:500]
    if export_format == "0":
        text = response.content.decode("utf-8-sig")
        assert '"\'=HYPERLINK(""http://x"")"' in text
        assert "'@SUM(A1)" in text
        assert ",-1," in text or text.rstrip().endswith(",-1") or ",-1\r" in text
    else:
        sheet = load_workbook(BytesIO(response.content)).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value]
        link = next(c for c in cells if "HYPERLINK" in str(c.value))
        assert link.value == '=HYPERLINK("http://x")'
        assert link.data_type == "s"
        assert all(c.data_type != "f" for c in cells)


def _all_export_fields(client, url) -> dict[str, str]:
    """The export form's field checkboxes, all ticked, as the admin page sends them."""
    import re

    page = client.get(url).content.decode()
    names = set(re.findall(r'name="(organisationresource_[^"]+)"', page))
    return {name: "on" for name in names}


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Страница не найдена"), ("kk", "Бет табылмады")],
)
def test_not_found_page_speaks_the_users_language(client, make_user, language, text):
    client.force_login(make_user("inspector", region="75"))

    response = client.get("/inspection/inspections/999999/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Доступ запрещён"), ("kk", "Қол жеткізу тыйым салынған")],
)
def test_forbidden_page_speaks_the_users_language(client, make_user, language, text):
    client.force_login(make_user("ops"))

    response = client.get("/reports/dashboard/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 403
    body = response.content.decode()
    assert text in body
    assert "403 Forbidden" not in body


def test_server_error_page_is_localised_and_leaks_nothing(client, make_user):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ru"):
        page = render_to_string("500.html")

    assert "Что-то пошло не так" in page
    assert "Traceback" not in page and "DATABASE" not in page


@pytest.mark.parametrize(("language", "text"), [("ru", "(не выбрано)"), ("kk", "(таңдалмаған)")])
def test_an_empty_choice_reads_as_words_not_dashes(client, make_user, language, text):
    client.force_login(make_user("inspector", region="75"))

    page = client.get("/inspection/inspections/new/", HTTP_ACCEPT_LANGUAGE=language)

    body = page.content.decode()
    assert f'<option value="" selected>{text}</option>' in body or f">{text}</option>" in body
    assert "---------" not in body
