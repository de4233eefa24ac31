"""Place names beside КАТО codes in templates.

``{{ code|with_place:names }}`` uses a page's names (``core.places.place_names``,
one query for the whole page); ``{% place_name code %}`` looks one code up, for
a record page that shows a single place.
"""

from django import template

from core.places import place_names, with_place_name

register = template.Library()


@register.filter
def with_place(code, names) -> str:
    return with_place_name(code, names or {}) if code else ""


@register.simple_tag
def place_name(code) -> str:
    return place_names([code]).get(code, "") if code else ""
