"""Exports of the violators page (XLSX, CSV) and the notices' PDF (Kazakh and Russian)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Notice, ViolatorCase

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def case_columns() -> list[tuple[str, str]]:
    return [
        ("employer_bin", _("BIN")),
        ("employer_name", _("Employer")),
        ("head_bin", _("Head organisation BIN")),
        ("region_id", _("Region")),
        ("oked", _("ОКЭД")),
        ("oked_section", _("ОКЭД section")),
        ("risk_class", _("Risk class")),
        ("employees_on_date", _("Employees")),
        ("last_cover_ends_on", _("Last cover ended")),
        ("state", _("State")),
        ("opened_on", _("Opened on")),
        ("judged_on", _("Evidence as of")),
    ]


def _rows(cases: Iterable[ViolatorCase]):
    columns = case_columns()
    for case in cases:
        row = []
        for name, _label in columns:
            value = case.get_state_display() if name == "state" else getattr(case, name)
            row.append("" if value is None else value)
        yield row


def cases_csv(cases: Iterable[ViolatorCase]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _name, label in case_columns()])
    for row in _rows(cases):
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return "\ufeff" + out.getvalue()  # a BOM so spreadsheet programs read UTF-8


def cases_xlsx(cases: Iterable[ViolatorCase]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Violators"))
    header = [label for _name, label in case_columns()]
    sheet.append(header)
    for row in _rows(cases):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def notices_pdf(notices: list[Notice]) -> bytes:
    """One PDF, a page per notice, each in Kazakh and Russian."""
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is asked for

    html = render_to_string("contracts/notice_pdf.html", {"notices": notices})
    return HTML(string=html).write_pdf()


__all__ = ["PDF_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "cases_csv", "cases_xlsx", "notices_pdf"]
