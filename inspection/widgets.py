"""Form widgets of the inspectors' pages."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; values travel as ISO dates."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
