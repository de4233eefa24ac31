"""Messages collected by field path and raised together as one ``ValidationError``.

Each message names the rule it breaks (the clause of the contract's rules), so
the 400 an API client gets says what to fix and why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Errors:
    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: Any) -> None:
        self.messages.setdefault(path, []).append(str(message))

    def add_exception(self, prefix: str, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            path = f"{prefix}.{field}" if prefix else field
            for message in messages:
                self.add(path, message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def clause(number: str, text: Any) -> str:
    """A rule's message prefixed with its clause: ``"cl. 35: ..."`` (translated prefix)."""
    from django.utils.translation import gettext as _

    return _("cl. %(clause)s: %(text)s") % {"clause": number, "text": text}
