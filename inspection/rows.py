"""Child rows of the record pages rendered in Python.

A record at the child-row limit has thousands of inputs; Django renders each
widget through two or three templates, which made the edit page take seconds
per list. ``widget_html`` writes the same HTML as Django's widget templates for
the widgets the rows use (inputs, textareas, selects; anything else goes
through Django), and ``row_html`` the row of ``inspection/_formset.html``.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

INPUT_TEMPLATES = {
    "django/forms/widgets/input.html",
    "django/forms/widgets/text.html",
    "django/forms/widgets/date.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/hidden.html",
    "django/forms/widgets/checkbox.html",
    "django/forms/widgets/email.html",
}
EMPTY_CHOICE = "---------"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: dict) -> str:
    """As templates/django/forms/widgets/select_option.html (the project's)."""
    label = option["label"]
    label = gettext("(not chosen)") if label == EMPTY_CHOICE else label
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(label)}</option>"
    )


def widget_html(bound: forms.BoundField) -> SafeString:
    """The HTML ``{{ bound }}`` gives, without rendering templates."""
    widget = bound.field.widget
    template = widget.template_name
    if template not in INPUT_TEMPLATES and not isinstance(widget, forms.Textarea | forms.Select):
        return bound.as_widget()
    if isinstance(widget, forms.Select) and (
        template != "django/forms/widgets/select.html"
        or widget.option_template_name != "django/forms/widgets/select_option.html"
    ):
        return bound.as_widget()
    if isinstance(widget, forms.Textarea) and template != "django/forms/widgets/textarea.html":
        return bound.as_widget()
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if isinstance(widget, forms.Textarea):
        value = conditional_escape(context["value"]) if context["value"] else ""
        return mark_safe(f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{value}</textarea>')
    if isinstance(widget, forms.Select):
        options = []
        for group_name, group_choices, _index in context["optgroups"]:
            if group_name:
                options.append(f'<optgroup label="{conditional_escape(group_name)}">')
            options.extend(_option(option) for option in group_choices)
            if group_name:
                options.append("</optgroup>")
        return mark_safe(
            f'<select name="{name}"{_attrs(context["attrs"])}>{"".join(options)}</select>'
        )
    value = context["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(
        f'<input type="{conditional_escape(context["type"])}" name="{name}"{shown}'
        f"{_attrs(context['attrs'])}>"
    )


def _errors(errors) -> str:
    return str(errors) if errors else ""


def row_html(form: forms.Form, key: str) -> SafeString:
    """One child row: a cell per visible field (a label for small screens, the input,
    its errors), then the hidden id, the DELETE box and the Remove button."""
    cells = []
    for bound in form.visible_fields():
        if bound.name == "DELETE":
            continue
        required = (
            '<span class="required-mark" aria-hidden="true">*</span>'
            if bound.field.required
            else ""
        )
        cells.append(
            format_html(
                '\n  <td class="{}" data-testid="{}"><label class="cell-label" for="{}">{}{}'
                "</label>{}{}</td>\n  ",
                "has-error" if bound.errors else "",
                bound.html_name,
                bound.id_for_label,
                bound.label,
                mark_safe(required),
                widget_html(bound),
                mark_safe(_errors(bound.errors)),
            )
        )
    hidden = [form[name] for name in form.fields if form.fields[name].widget.is_hidden]
    delete = form["DELETE"] if "DELETE" in form.fields else None
    deleted = delete is not None and delete.value()
    actions = "".join(
        [
            "".join(widget_html(h) for h in hidden),
            widget_html(delete) if delete is not None else "",
            "\n    ",
            _errors(form.non_field_errors()) if form.non_field_errors() else "",
            "\n    ",
            "".join(_errors(h.errors) for h in hidden),
            format_html(
                '\n    <button type="button" class="secondary" data-formset-remove '
                'data-testid="remove-{}" title="{}">{}</button>\n  ',
                key,
                gettext("Remove this row"),
                gettext("Remove"),
            ),
        ]
    )
    return format_html(
        '<tr data-formset-row data-testid="{}-row"{}>\n  {}\n  <td class="row-actions">\n    '
        "{}</td>\n</tr>\n",
        key,
        mark_safe(" hidden") if deleted else "",
        mark_safe("".join(cells)),
        mark_safe(actions),
    )
