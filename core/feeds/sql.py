"""SQL text from declarations: literals, identifiers, and the source text of messages.

Values in generated SQL come from declarations, never from files (the cells of a
file reach PostgreSQL only through COPY).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override

from .declarations import NAME_RE


def literal(value: str | Promise) -> str:
    """A SQL string literal. Values come from declarations, never from files."""
    text = source_text(value)
    if "\x00" in text:
        raise ValueError("NUL in a SQL literal")
    return "'" + text.replace("'", "''") + "'"


def source_text(value: str | Promise) -> str:
    """The untranslated (English source) text of a message; stored, translated on display."""
    with override(None):
        return str(value)


def ident(name: str) -> str:
    """A quoted identifier for a declared (already validated) name."""
    if not NAME_RE.match(name.split("__")[-1]):
        raise ValueError(f"bad identifier {name!r}")
    return '"' + name + '"'
