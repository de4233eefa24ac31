"""Errors of one write, collected by field path and answered together.

A service adds every rule it finds broken under the path of the field it names
(``"started_on"``, ``"violations[1].eliminated_on"``,
``"investigation.referrals[0].sent_on"``) and raises them as one
``ValidationError``. ``nest_error_paths`` turns those paths into the nested shape
DRF gives its own errors; the API answers with it and the pages place each
message beside the field it names from it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

NON_FIELD = "non_field_errors"
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def join_path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class FieldErrors:
    """Messages collected by field path, raised together as one ``ValidationError``."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, path: str, message: Any) -> None:
        self.messages.setdefault(path, []).append(str(message))

    def add_exception(self, prefix: str, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            name = NON_FIELD if field == NON_FIELD_ERRORS and prefix else field
            for message in messages:
                self.add(join_path(prefix, name), message)

    def has(self, path: str) -> bool:
        return path in self.messages

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def nest_error_paths(messages: dict[str, list[str]]) -> dict[Any, Any]:
    """``{"violations[1].eliminated_on": [...]}`` -> ``{"violations": {1: {"eliminated_on":
    [...]}}}``: the shape DRF gives its own errors of nested lists, so clients parse one."""
    root: dict[Any, Any] = {}
    for path, errors in messages.items():
        if path == NON_FIELD_ERRORS:
            path = NON_FIELD
        tokens = [name or int(index) for name, index in _PATH_TOKEN.findall(path)] or [path]
        node = root
        for token in tokens[:-1]:
            child = node.setdefault(token, {})
            if not isinstance(child, dict):  # messages already sit at this level
                child = node[token] = {NON_FIELD: child}
            node = child
        leaf = node.setdefault(tokens[-1], [])
        if isinstance(leaf, dict):
            leaf.setdefault(NON_FIELD, []).extend(errors)
        else:
            leaf.extend(errors)
    return root
