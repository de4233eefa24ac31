"""Translations: every user-facing string in Kazakh and Russian, English too (ARCHITECTURE.md 9).

The catalogues are parsed here without any third-party library; the expected page texts
come from the compiled catalogues through Django's own gettext, never from literals.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
NPLURALS = {"kk": 2, "ru": 3}
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    where: str = ""


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file as written by gettext tools (entries separated by blank lines)."""
    entries: list[Entry] = []
    entry, key = Entry(), None
    started = False

    def flush() -> None:
        nonlocal entry, key, started
        if started:
            entries.append(entry)
        entry, key, started = Entry(), None, False

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = started = True
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#:") and not entry.where:
            entry.where = line[2:].strip().split(" ")[0]
        if line.startswith("#"):
            continue
        started = True
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, quoted = match.groups()
            key = int(index) if index is not None else keyword
            value = ast.literal_eval(quoted)
            if keyword == "msgctxt":
                entry.msgctxt = value
            elif keyword == "msgid":
                entry.msgid = value
            elif keyword == "msgid_plural":
                entry.msgid_plural = value
            else:
                entry.msgstr[key if isinstance(key, int) else 0] = value
            continue
        assert line.startswith('"'), f"{path}:{number}: unexpected line {line!r}"
        value = ast.literal_eval(line)
        if key == "msgctxt":
            entry.msgctxt += value
        elif key == "msgid":
            entry.msgid += value
        elif key == "msgid_plural":
            entry.msgid_plural += value
        else:
            index = key if isinstance(key, int) else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    flush()
    return entries


def catalogue(language: str, domain: str = "django") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def domains() -> list[str]:
    return sorted(path.stem for path in (LOCALE / "kk" / "LC_MESSAGES").glob("*.po"))


def messages(language: str, domain: str = "django") -> list[Entry]:
    return [e for e in parse_po(catalogue(language, domain)) if e.msgid and not e.obsolete]


def header(language: str, domain: str = "django") -> Entry:
    return next(e for e in parse_po(catalogue(language, domain)) if e.msgid == "")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_arch9_every_offered_language_has_a_catalogue(language):
    assert language in dict(settings.LANGUAGES)
    assert catalogue(language).is_file()
    assert f"Language: {language}\n" in header(language).msgstr[0]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_arch9_every_message_is_translated_into_kazakh_and_russian(language):
    for domain in domains():
        entries = messages(language, domain)
        assert entries, f"{language}/{domain}.po has messages"
        assert "fuzzy" not in header(language, domain).flags
        untranslated = [
            f"{e.where}: {e.msgid!r}" for e in entries if not all(e.msgstr.values()) or not e.msgstr
        ]
        fuzzy = [f"{e.where}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
        assert untranslated == [], f"untranslated in {language}/{domain}.po"
        assert fuzzy == [], f"fuzzy in {language}/{domain}.po"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_arch9_plural_messages_have_every_plural_form_of_the_language(language):
    for domain in domains():
        plural_forms = header(language, domain).msgstr[0]
        assert f"nplurals={NPLURALS[language]};" in plural_forms.replace(" ", "")
        for e in messages(language, domain):
            if e.msgid_plural is not None:
                assert sorted(e.msgstr) == list(range(NPLURALS[language])), e.msgid


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_arch9_translations_keep_every_placeholder_and_tag(language):
    for domain in domains():
        for e in messages(language, domain):
            expected = set(PLACEHOLDER.findall(e.msgid)) | set(
                PLACEHOLDER.findall(e.msgid_plural or "")
            )
            expected_tags = re.findall(r"<[^>]+>", e.msgid)
            for text in e.msgstr.values():
                assert set(PLACEHOLDER.findall(text)) == expected, (e.msgid, text)
                assert re.findall(r"<[^>]+>", text) == expected_tags, (e.msgid, text)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_arch9_compiled_catalogue_serves_the_po_translations(language):
    with translation.override(language):
        for e in messages(language):
            if e.msgid_plural is None and e.msgctxt is None:
                assert translation.gettext(e.msgid) == e.msgstr[0], (
                    f"{e.msgid!r}: run compilemessages"
                )


def login_heading(response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "the login page has a heading"
    return match.group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_arch9_login_page_is_shown_in_the_chosen_language(client, language):
    with translation.override(language):
        expected = translation.gettext("Log in")
        expected_username = translation.gettext("Username")
    if language != "en":
        assert expected != "Log in", "the compiled catalogue translates the login title"

    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert login_heading(response) == expected
    body = response.content.decode()
    assert f"<title>{expected}</title>" in body
    assert f">{expected_username}</label>" in body


def test_arch9_kazakh_is_the_products_default_language():
    from config.settings import base

    assert base.LANGUAGE_CODE == "kk"


def base_language_code() -> str:
    from config.settings import base

    return base.LANGUAGE_CODE


@pytest.mark.django_db
def test_arch9_login_page_defaults_to_kazakh(client, settings):
    settings.LANGUAGE_CODE = base_language_code()
    with translation.override("kk"):
        expected = translation.gettext("Log in")

    assert login_heading(client.get(reverse("login"))) == expected


@pytest.mark.django_db
def test_arch9_language_switcher_changes_the_language_of_the_pages(client, settings):
    settings.LANGUAGE_CODE = base_language_code()
    titles = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            titles[language] = translation.gettext("Log in")
    assert len(set(titles.values())) == 3, "each language has its own login title"

    assert login_heading(client.get(reverse("login"))) == titles["kk"]
    for language in ("ru", "en", "kk"):
        response = client.post(
            reverse("set_language"), {"language": language, "next": reverse("login")}
        )
        assert response.status_code == 302

        assert login_heading(client.get(reverse("login"))) == titles[language]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_arch9_pages_of_a_logged_in_user_are_translated(client, make_user, language):
    client.force_login(make_user("inspector", region="75"))
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    with translation.override(language):
        expected = [
            translation.gettext(text)
            for text in ("Inspections", "Accidents", "Record an inspection", "Log out")
        ]

    body = client.get(reverse("home")).content.decode()

    for text in expected:
        assert text in body
    for english in ("Record an inspection", "Log out"):
        assert english not in body
