"""Spreadsheets that never carry live formulas from the data they show.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula
when the file is opened (CSV injection). In XLSX such a text is stored as a
text cell, unchanged; in CSV, which has no cell types, it gets a leading
apostrophe, as spreadsheet programs expect. Numbers are left as they are.
"""

from __future__ import annotations

import re
from io import BytesIO

from import_export.formats.base_formats import CSV, XLSX

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def csv_safe(value: object) -> object:
    """The value as a CSV cell that cannot start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_formulae(workbook) -> None:
    """Every cell an openpyxl workbook would write as a formula becomes a text cell."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        for _ in range(len(dataset)):
            dataset.append([csv_safe(cell) for cell in dataset.lpop()])
        return super().export_data(dataset, **kwargs)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(super().export_data(dataset, **kwargs)))
        neutralise_formulae(workbook)
        out = BytesIO()
        workbook.save(out)
        return out.getvalue()
