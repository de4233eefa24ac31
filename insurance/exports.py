"""Downloads: breaches as XLSX (openpyxl) and the decision letter as PDF (WeasyPrint)."""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .breaches import Breach


def breaches_xlsx(rows: list[Breach], *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Breaches")[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    header = [
        _("Kind"),
        _("Clause"),
        _("Insurer BIN"),
        _("Insurer"),
        _("Region"),
        _("Record"),
        _("Due on"),
        _("Done on"),
        _("Working days late"),
    ]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for b in rows:
        ws.append(
            [
                b.kind_label,
                b.clause,
                b.insurer_bin,
                b.insurer_name,
                b.region_code or "",
                b.object_label,
                b.due_on,
                b.done_on,
                b.working_days_late,
            ]
        )
    for column, width in zip("ABCDEFGHI", (38, 8, 14, 30, 8, 34, 12, 12, 10), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3, min_col=7, max_col=8):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def decision_letter_html(claim, decision) -> str:
    """The letter in Kazakh, then in Russian, each part rendered in its own language."""
    parts = []
    for language in ("kk", "ru"):
        with translation.override(language):
            parts.append(
                render_to_string(
                    "insurance/_decision_letter_part.html",
                    {
                        "claim": claim,
                        "decision": decision,
                        "contract": claim.event.contract,
                        "lang": language,
                    },
                )
            )
    return render_to_string("insurance/decision_letter.html", {"parts": parts, "claim": claim})


def decision_letter_pdf(claim, decision) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is asked for

    return HTML(string=decision_letter_html(claim, decision)).write_pdf()
