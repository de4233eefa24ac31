"""JSON bodies with a bounded nesting depth.

No record of the API nests deeper than a few levels; a body nested thousands
deep would otherwise exhaust the interpreter's recursion limit while it is
parsed or validated. Such a body is a 400 that names the rule.
"""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

DEFAULT_MAX_DEPTH = 32


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether arrays/objects in ``text`` nest deeper than ``limit`` (strings are skipped)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser that refuses bodies nested deeper than ``API_JSON_MAX_DEPTH``."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        limit = getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)
        if json_depth_exceeds(text, limit):
            raise ParseError(
                _("The JSON body nests deeper than %(limit)d levels.") % {"limit": limit}
            )
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from exc


def _reject_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})
