"""XLSX and PDF of a stored form version, laid out like the printed form of seed 003.

Both are made from the version's stored header, rows and total; nothing is
recomputed. Texts of the printed form are bilingual (Kazakh / Russian).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from . import printed
from .definitions import FORMS, FormDefinition
from .models import FormVersion

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

STATUS_TEXT = {
    "draft": "жоба / черновик",
    "final": "түпкілікті / окончательная",
}


def _bilingual(pair: tuple[str, ...]) -> str:
    return f"{pair[0]} / {pair[1]}"


@dataclass
class HeaderCell:
    kk: str
    ru: str
    column: int  # 1-based sheet column
    row: int  # 0 (group row) or 1 (title row)
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        return f"{self.kk} /\n{self.ru}"


@dataclass
class PrintedForm:
    """Everything printed on the form, in order; shared by the XLSX and the PDF."""

    definition: FormDefinition
    version: FormVersion
    rows: list[dict]
    total: dict | None  # None for an inspector: their region's row only

    @classmethod
    def of(cls, version: FormVersion, region_kato: str | None = None) -> PrintedForm:
        definition = FORMS[version.form]
        if region_kato is None:
            return cls(definition, version, version.rows, version.total)
        rows = [row for row in version.rows if row["kato"] == region_kato]
        return cls(definition, version, rows, None)

    @property
    def index_line(self) -> str:
        return f"Нысанның индексі / Индекс формы: {self.definition.index}"

    @property
    def period_line(self) -> str:
        return " / ".join(printed.reporting_period_text(self.version.period))

    @property
    def version_line(self) -> str:
        v = self.version
        text = f"Нұсқа / Версия: {v.number}; {STATUS_TEXT[v.status]}"
        if v.kind == "correction" and v.corrects_id:
            text += f"; түзету / корректировка v{v.corrects.number}"
        if v.superseded_by_id:
            text += f"; ауыстырылды / заменена v{v.superseded_by.number}"
        return text

    @property
    def preamble(self) -> list[str]:
        return [
            _bilingual(printed.FORM_FOR_COLLECTION),
            printed.SUBMITTED_TO[0],
            printed.SUBMITTED_TO[1],
        ]

    @property
    def titles(self) -> list[str]:
        return [self.definition.title_kk, self.definition.title_ru]

    @property
    def details(self) -> list[str]:
        header = self.version.header
        return [
            self.index_line,
            _bilingual(printed.FREQUENCY),
            self.period_line,
            printed.DUE[0],
            printed.DUE[1],
            f"{_bilingual(printed.HEADER_LABELS['bin'])}: {header.get('bin', '')}",
            self.version_line,
        ]

    def header_cells(self) -> list[HeaderCell]:
        """Column titles on two rows: a group label above its columns, else one tall cell."""
        grouped: dict[str, tuple[str, str, str, str, str]] = {}
        numbers = self.definition.column_numbers
        for group in self.definition.groups:
            first, last = numbers.index(group[0]), numbers.index(group[1])
            for n in numbers[first : last + 1]:
                grouped[n] = group
        cells = [HeaderCell(printed.REGION_COLUMN[0], printed.REGION_COLUMN[1], 1, 0, rowspan=2)]
        seen_groups = set()
        for i, column in enumerate(self.definition.columns, start=2):
            group = grouped.get(column.number)
            if group is None:
                cells.append(HeaderCell(column.title_kk, column.title_ru, i, 0, rowspan=2))
                continue
            if group not in seen_groups:
                seen_groups.add(group)
                span = numbers.index(group[1]) - numbers.index(group[0]) + 1
                cells.append(HeaderCell(group[2], group[3], i, 0, colspan=span))
            cells.append(HeaderCell(column.title_kk, column.title_ru, i, 1))
        return cells

    @property
    def body(self) -> list[tuple[str, list, bool]]:
        """(row label, values in column order, is total) for each printed row."""
        numbers = self.definition.column_numbers
        lines = [
            (f"{row['region_kk']} / {row['region_ru']}", [row["values"][n] for n in numbers], False)
            for row in self.rows
        ]
        if self.total is not None:
            lines.append(
                (_bilingual(printed.TOTAL_ROW), [self.total["values"][n] for n in numbers], True)
            )
        return lines

    @property
    def footer(self) -> list[tuple[str, str]]:
        header = self.version.header
        return [
            (_bilingual(printed.HEADER_LABELS["name"]), header.get("name", "")),
            (_bilingual(printed.HEADER_LABELS["address"]), header.get("address", "")),
            (printed.HEADER_LABELS["phone"][0], header.get("phone", "")),
            (_bilingual(printed.HEADER_LABELS["email"]), header.get("email", "")),
            (_bilingual(printed.HEADER_LABELS["executor"]), header.get("executor", "")),
            (_bilingual(printed.HEADER_LABELS["head"]), header.get("head", "")),
            (_bilingual(printed.HEADER_LABELS["date"]), header.get("date", "")),
        ]

    @property
    def signature_hint(self) -> str:
        return "Тегі, аты және әкесінің аты (бар болса), қолы / Фамилия, имя и отчество (при его наличии), подпись"

    @property
    def seal_place(self) -> str:
        return printed.SEAL_PLACE

    @property
    def filename_stem(self) -> str:
        return f"{self.version.form}_{self.version.period_label}_v{self.version.number}"


THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def render_xlsx(printed: PrintedForm) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = printed.definition.index
    width = len(printed.definition.columns) + 1
    last = get_column_letter(width)
    row = 1

    def line(text: str, *, bold: bool = False, size: int = 10, center: bool = False) -> None:
        nonlocal row
        ws.cell(row=row, column=1, value=text).font = Font(bold=bold, size=size)
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row=row, column=1).alignment = Alignment(
            wrap_text=True, horizontal="center" if center else "left"
        )
        row += 1

    for text in printed.preamble:
        line(text)
    for text in printed.titles:
        line(text, bold=True, size=12, center=True)
    for text in printed.details:
        line(text)
    row += 1

    # Column titles (two rows) and the row of column numbers.
    top = row
    for cell in printed.header_cells():
        r = top + cell.row
        ws.cell(row=r, column=cell.column, value=cell.text)
        if cell.colspan > 1 or cell.rowspan > 1:
            ws.merge_cells(
                start_row=r,
                start_column=cell.column,
                end_row=r + cell.rowspan - 1,
                end_column=cell.column + cell.colspan - 1,
            )
    for r in (top, top + 1):
        ws.row_dimensions[r].height = 110
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).alignment = WRAP_CENTER
            ws.cell(row=r, column=c).font = Font(size=8, bold=True)
            ws.cell(row=r, column=c).border = BOX
    numbers_row = top + 2
    ws.cell(row=numbers_row, column=1, value=1)
    for c, column in enumerate(printed.definition.columns, start=2):
        ws.cell(row=numbers_row, column=c, value=int(column.number))
    for c in range(1, width + 1):
        ws.cell(row=numbers_row, column=c).alignment = WRAP_CENTER
        ws.cell(row=numbers_row, column=c).border = BOX

    row = numbers_row + 1
    decimal_columns = {
        i for i, column in enumerate(printed.definition.columns, start=2) if column.thousands
    }
    for label, values, is_total in printed.body:
        ws.cell(row=row, column=1, value=label).font = Font(bold=is_total)
        ws.cell(row=row, column=1).border = BOX
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True)
        for c, value in enumerate(values, start=2):
            cell = ws.cell(
                row=row, column=c, value=Decimal(value) if c in decimal_columns else value
            )
            if c in decimal_columns:
                cell.number_format = "0.0"
            cell.font = Font(bold=is_total)
            cell.border = BOX
        row += 1

    row += 1
    for label, value in printed.footer:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True)
        ws.cell(row=row, column=2, value=value)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        row += 1
    ws.cell(row=row, column=1, value=printed.signature_hint).font = Font(italic=True, size=8)
    row += 1
    ws.cell(row=row, column=1, value=printed.seal_place).font = Font(bold=True)

    ws.column_dimensions["A"].width = 34
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = f"{printed.definition.index} {printed.version.period_label}"

    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def render_pdf(printed: PrintedForm) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is asked for

    html = render_to_string("reports/form_pdf.html", {"printed": printed})
    return HTML(string=html).write_pdf()
