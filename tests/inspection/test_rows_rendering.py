"""Child rows rendered in Python (inspection/rows.py) give Django's widget HTML."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from inspection import shapes
from inspection.forms import child_formset
from inspection.rows import row_html, widget_html

LISTS = (*shapes.INSPECTION.children, *shapes.ACCIDENT.children)


def same_html(html: str) -> str:
    """Whitespace between tags does not matter."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def posted(spec, prefix: str) -> dict:
    """Two rows: one filled with odd values (quotes, markup, a bad date), one empty."""
    data = {f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0"}
    for field in spec.fields:
        data[f"{prefix}-0-{field.name}"] = {
            shapes.DATE: "2026-02-30",
            shapes.COUNT: "-3",
            shapes.AMOUNT: "12.345",
            shapes.CHOICE: field.choices[0][0] if field.choices else "x",
        }.get(field.kind, 'a "quoted" <b>text</b> & more')
    data[f"{prefix}-0-id"] = "7"
    data[f"{prefix}-1-DELETE"] = "on"
    return data


@pytest.mark.parametrize("spec", LISTS, ids=lambda spec: spec.key)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_child_widget_renders_as_django_renders_it(spec, language):
    with translation.override(language):
        formsets = [
            child_formset(spec)(prefix=spec.key, initial=[{"id": 3}]),
            child_formset(spec)(posted(spec, spec.key), prefix=spec.key),
        ]
        formsets[1].is_valid()
        compared = 0
        for formset in formsets:
            for form in [*formset.forms, formset.empty_form]:
                for bound in form:
                    assert same_html(widget_html(bound)) == same_html(bound.as_widget())
                    compared += 1
        assert compared >= 3 * (len(spec.fields) + 2)


def test_a_row_carries_its_labels_errors_hidden_id_and_remove_button():
    spec = shapes.VIOLATIONS
    formset = child_formset(spec)(posted(spec, "violations"), prefix="violations")
    formset.is_valid()

    html = row_html(formset.forms[0], "violations")

    assert html.startswith('<tr data-formset-row data-testid="violations-row">')
    assert '<label class="cell-label" for="id_violations-0-detected_on">' in html
    assert 'data-testid="violations-0-detected_on"' in html and 'class="has-error"' in html
    assert '<ul class="errorlist"' in html
    assert '<input type="hidden" name="violations-0-id" value="7" id="id_violations-0-id">' in html
    assert 'data-testid="remove-violations"' in html
    assert "&lt;b&gt;text&lt;/b&gt;" in html and "<b>" not in html
    assert row_html(formset.forms[1], "violations").startswith(
        '<tr data-formset-row data-testid="violations-row" hidden>'
    )
