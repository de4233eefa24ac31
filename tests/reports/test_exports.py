"""XLSX and PDF of a stored version, laid out like the printed form of seed 003."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.models import Organisation
from reports.definitions import FORMS
from reports.exports import PrintedForm, render_pdf, render_xlsx
from reports.models import FormVersion, ReportHeader
from reports.services import form_finalise, form_generate

OCT = date(2025, 10, 1)
IN = date(2025, 10, 9)


@pytest.fixture
def header(db):
    organisation = Organisation.objects.create(
        bin="010140000010",
        name="Мемлекеттік еңбек инспекциясы комитеті",
        kind="regulator",
        address="Астана, Мәңгілік Ел 8",
        phone="+7 7172 000000",
        email="kgit@example.kz",
    )
    return ReportHeader.objects.create(
        organisation=organisation, executor="Әлиева Ө. Қ.", head="Сәрсенов Ү. Ғ."
    )


def cells(ws) -> dict[tuple[int, int], object]:
    return {
        (c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
    }


def find(ws, predicate) -> tuple[int, int]:
    for (r, c), value in cells(ws).items():
        if isinstance(value, str) and predicate(value):
            return r, c
    raise AssertionError("not found")


@pytest.mark.django_db
def test_xlsx_has_the_form_layout_header_fields_and_the_stored_figures(header, records):
    records.fine(records.inspection("75", completed_on=IN), imposed_on=IN, amount="1250.00")
    records.fine(records.inspection("11", completed_on=IN), imposed_on=IN, amount="1050.00")
    version = form_generate(form="1-meizhm", period=OCT, source="command").version

    ws = load_workbook(BytesIO(render_xlsx(PrintedForm.of(version)))).active
    values = cells(ws)
    texts = [v for v in values.values() if isinstance(v, str)]

    assert ws.title == "1-МЕИЖМ"
    assert "Мемлекеттік еңбек инспекторларының жұмысы туралы мәліметтер" in texts
    assert "Сведения о работе государственных инспекторов труда" in texts
    assert "Нысанның индексі / Индекс формы: 1-МЕИЖМ" in texts
    assert "Есепті кезең: 2025 жылғы қазан / Отчетный период: октябрь 2025 года" in texts
    assert "БСН / БИН: 010140000010" in texts
    assert "Нұсқа / Версия: 1; жоба / черновик" in texts
    assert "М.О. / М.П." in texts
    for label, expected in [
        ("Атауы / Наименование", "Мемлекеттік еңбек инспекциясы комитеті"),
        ("Мекенжайы / Адрес", "Астана, Мәңгілік Ел 8"),
        ("Телефон", "+7 7172 000000"),
        ("Электрондық пошта мекенжайы / Адрес электронной почты", "kgit@example.kz"),
        ("Орындаушы / Исполнитель", "Әлиева Ө. Қ."),
        ("Басшы немесе қол қоюға уәкілетті тұлға / Руководитель", "Сәрсенов Ү. Ғ."),
        ("Күні / Дата", version.header["date"]),
    ]:
        r, c = find(ws, lambda v, label=label: v.startswith(label))
        assert values[(r, c + 1)] == expected, label

    # Column titles in Kazakh and Russian, then the row of column numbers 1..17.
    r_title, c_title = find(ws, lambda v: v.startswith("Салынған әкімшілік айыппұлдар саны"))
    assert "Количество наложенных административных штрафов" in values[(r_title, c_title)]
    r_num = next(r for (r, c), v in values.items() if c == 1 and v == 1)
    assert [values[(r_num, c)] for c in range(1, 18)] == list(range(1, 18))
    assert c_title == 8  # column 8 of the form is the 8th sheet column

    # 20 region rows in КАТО order and the total, with the stored figures.
    labels = [values.get((r, 1)) for r in range(r_num + 1, r_num + 22)]
    assert labels[0] == "Абай облысы / область Абай"
    assert labels[19] == "Шымкент қаласы / город Шымкент"
    assert labels[20] == "Республика бойынша барлығы / Всего по республике"
    almaty = r_num + 1 + [row["kato"] for row in version.rows].index("750000000")
    akmola = r_num + 1 + [row["kato"] for row in version.rows].index("110000000")
    total = r_num + 21
    assert values[(almaty, 2)] == 1 and values[(almaty, 8)] == 1
    assert Decimal(str(values[(almaty, 9)])) == Decimal("1.3")
    assert Decimal(str(values[(akmola, 9)])) == Decimal("1.1")
    assert Decimal(str(values[(total, 9)])) == Decimal("2.3")
    assert ws.cell(row=total, column=9).number_format == "0.0"
    assert values[(total, 2)] == 2


@pytest.mark.django_db
def test_xlsx_of_2_ozh_has_columns_1_to_8_under_their_group(header, records, make_user):
    records.accident("75", occurred_on=IN, outcomes=("light", "fatal"))
    version = form_generate(form="2-ozh", period=OCT, source="command").version
    form_finalise(version=version, acting_user=make_user("chief_inspector"))
    version.refresh_from_db()

    ws = load_workbook(BytesIO(render_xlsx(PrintedForm.of(version)))).active
    values = cells(ws)
    texts = [v for v in values.values() if isinstance(v, str)]

    assert ws.title == "2-ӨЖ"
    assert "Өндірістік жарақаттанудың жай-күйі туралы мәліметтер" in texts
    assert "Нұсқа / Версия: 1; түпкілікті / окончательная" in texts
    r_group, c_group = find(ws, lambda v: v.startswith("оның ішінде"))
    assert c_group == 5  # over columns 5..8
    r_num = next(r for (r, c), v in values.items() if c == 1 and v == 1)
    assert [values[(r_num, c)] for c in range(1, 9)] == list(range(1, 9))
    total = r_num + 21
    assert [values[(total, c)] for c in range(2, 9)] == [1, 1, 2, 2, 1, 0, 1]


@pytest.mark.django_db
def test_exports_are_made_from_the_stored_version_not_recomputed(header, records):
    version = form_generate(form="2-ozh", period=OCT, source="command").version
    records.accident("75", occurred_on=IN)  # after generation: not in version 1

    ws = load_workbook(BytesIO(render_xlsx(PrintedForm.of(version)))).active
    values = cells(ws)
    r_num = next(r for (r, c), v in values.items() if c == 1 and v == 1)

    assert values[(r_num + 21, 2)] == 0


@pytest.mark.django_db
def test_inspector_export_has_only_their_region_row(header, records):
    records.accident("75", occurred_on=IN)
    version = form_generate(form="2-ozh", period=OCT, source="command").version

    ws = load_workbook(BytesIO(render_xlsx(PrintedForm.of(version, "750000000")))).active
    labels = [c.value for c in ws["A"] if isinstance(c.value, str) and " / " in c.value]

    assert "Алматы қаласы / город Алматы" in labels
    assert "Абай облысы / область Абай" not in labels
    assert "Республика бойынша барлығы / Всего по республике" not in labels


def _cmap_code_points(pdf: bytes) -> set[int]:
    """Unicode code points named by the PDF's ToUnicode maps (its text's characters)."""
    points: set[int] = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end() : end])
        except zlib.error:
            continue
        if b"begincmap" in data:
            for hexcode in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", data):
                for i in range(0, len(hexcode), 4):
                    points.add(int(hexcode[i : i + 4], 16))
    return points


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["1-meizhm", "2-ozh"])
def test_pdf_is_a_pdf_with_kazakh_and_russian_text(header, records, form):
    records.accident("75", occurred_on=IN, outcomes=("fatal",))
    version = form_generate(form=form, period=OCT, source="command").version

    printed = PrintedForm.of(version)
    pdf = render_pdf(printed)

    assert pdf.startswith(b"%PDF")
    points = _cmap_code_points(pdf)
    printed_text = " ".join(printed.preamble + printed.titles + printed.details)
    kazakh_letters = {c for c in printed_text if c in "ӘәӨөҚқҢңҒғҮүҰұІіҺһ"}
    assert len(kazakh_letters) >= 8
    for letter in kazakh_letters:
        assert ord(letter) in points, letter
    assert ord("Ы") in points or ord("ы") in points  # Russian text too
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert FORMS[form].title_kk in text
        assert FORMS[form].title_ru in text
        assert f"Индекс формы: {FORMS[form].index}" in text
        assert "М.О. / М.П." in text
        assert "Әлиева Ө. Қ." in text


@pytest.mark.django_db
def test_pdf_of_each_stored_version_differs_by_version_line(header):
    v1 = form_generate(form="2-ozh", period=OCT, source="command").version
    v2 = form_generate(form="2-ozh", period=OCT, source="command").version

    assert PrintedForm.of(v1).version_line == "Нұсқа / Версия: 1; жоба / черновик"
    assert PrintedForm.of(v2).version_line == "Нұсқа / Версия: 2; жоба / черновик"
    assert FormVersion.objects.count() == 2
