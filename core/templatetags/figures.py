"""Figures in the format of the page's language: ``{{ value|figure }}``.

Stored versions keep figures as text (``"1513.8"``) so they are exact; on a
page they read ``1 513,8`` in Kazakh and Russian (config/formats).
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value):
    """A number (or its text) grouped by thousands with the language's decimal mark."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    text = str(value)
    places = len(text.split(".", 1)[1]) if "." in text and isinstance(value, str) else None
    if places is None and isinstance(value, Decimal):
        places = max(-number.as_tuple().exponent, 0)
    return formats.number_format(
        number, decimal_pos=places or 0, use_l10n=True, force_grouping=True
    )
