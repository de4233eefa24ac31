"""``{% formset_rows formset key %}`` and ``{% formset_row form key %}``: inspection/rows.py."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from inspection.rows import row_html

register = template.Library()


@register.simple_tag
def formset_rows(formset, key) -> SafeString:
    return mark_safe("".join(row_html(form, key) for form in formset))


@register.simple_tag
def formset_row(form, key) -> SafeString:
    return row_html(form, key)
