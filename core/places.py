"""КАТО places: the import in the classifier's own layout, names for codes, and search.

The classifier's file (stat.gov.kz, sheet ``katonew1``) has the columns
``te`` (the 9-digit code), ``ab``, ``cd``, ``ef``, ``hij`` (the code's four
parts), ``k`` (the object's type digit), ``kaz_name``, ``rus_name`` and ``nn``
(not used). The parts must agree with ``te``; region, level and parent follow
from ``te``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core.models import Place, kato_ancestors

# The classifier's columns, in its order.
KATO_COLUMNS = ("te", "ab", "cd", "ef", "hij", "k", "kaz_name", "rus_name", "nn")
# The code's parts as the classifier's columns: (column, start, end) in ``te``.
KATO_CODE_PARTS = (("ab", 0, 2), ("cd", 2, 4), ("ef", 4, 6), ("hij", 6, 9))


def _digits(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


class KatoCodeWidget(widgets.CharWidget):
    """Column ``te``: nine digits (a spreadsheet may hold it as a number; no КАТО code
    starts with 0, so none loses a leading zero)."""

    def clean(self, value, row=None, **kwargs):
        text = _digits(value)
        if not (len(text) == 9 and text.isascii() and text.isdigit()):
            raise ValueError(
                _("Column te: a КАТО code has 9 digits, not “%(value)s”.") % {"value": text}
            )
        return text


class PlaceResource(resources.ModelResource):
    """One row of the classifier's file is one place; the whole file is one transaction."""

    code = fields.Field(attribute="code", column_name="te", widget=KatoCodeWidget())
    name_kk = fields.Field(attribute="name_kk", column_name="kaz_name")
    name_ru = fields.Field(attribute="name_ru", column_name="rus_name")
    kind = fields.Field(attribute="kind", column_name="k", widget=widgets.CharWidget())

    class Meta:
        model = Place
        import_id_fields = ("code",)
        fields = ("code", "name_kk", "name_ru", "kind")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import_row(self, row, **kwargs) -> None:
        """A bad ``te`` makes the row invalid (named in the report), not a crash."""
        try:
            KatoCodeWidget().clean(row.get("te"))
        except ValueError as error:
            raise ValidationError({"code": [str(error)]}) from error

    def import_instance(self, instance, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        instance.name_kk = (instance.name_kk or "").strip()
        instance.name_ru = (instance.name_ru or "").strip()
        instance.kind = _digits(instance.kind)
        errors = {}
        for column, start, end in KATO_CODE_PARTS:
            part = _digits(row.get(column))
            if part and part.zfill(end - start) != instance.code[start:end]:
                errors[column] = _(
                    "Column %(column)s is “%(part)s” but digits %(start)s-%(end)s of te are "
                    "“%(expected)s”."
                ) % {
                    "column": column,
                    "part": part,
                    "start": start + 1,
                    "end": end,
                    "expected": instance.code[start:end],
                }
        if errors:
            raise ValidationError({"code": list(errors.values())})

    def get_export_headers(self, selected_fields=None):
        return list(KATO_COLUMNS)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """A row in the classifier's layout, so an export can be imported again."""
        return [
            instance.code,
            *(instance.code[start:end] for _column, start, end in KATO_CODE_PARTS),
            instance.kind,
            instance.name_kk,
            instance.name_ru,
            "",
        ]


def import_kato_file(path: Path) -> tuple[int, int]:
    """Load a file in the classifier's layout (CSV or XLSX); returns (new, updated).

    Any bad row raises ``import_export.exceptions.ImportError`` naming it, and
    nothing of the file is written."""
    data = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        dataset = tablib.Dataset().load(data, format="xlsx")
    else:
        dataset = tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    with transaction.atomic():
        result = PlaceResource().import_data(dataset, raise_errors=True)
    return result.totals["new"], result.totals["update"]


def _name(row: dict, lang: str) -> str:
    """As ``LocalisedNameMixin.name``, for a ``values()`` row."""
    return (
        {"kk": row["name_kk"], "ru": row["name_ru"]}.get(lang) or row["name_en"] or row["name_ru"]
    )


def place_names(codes: Iterable[str | None]) -> dict[str, str]:
    """The name of each code's place in the current language, in one query.

    A code missing from the table (it may be partial) gets the name of the
    nearest place above it (its district or region); a code not even in a known
    region gets none.
    """
    codes = {c for c in codes if c and len(c) == 9 and c.isdigit()}
    wanted = set(codes)
    for code in codes:
        wanted.update(kato_ancestors(code))
    if not wanted:
        return {}
    lang = (get_language() or "kk")[:2]
    rows = {
        r["code"]: _name(r, lang)
        for r in Place.objects.filter(code__in=wanted).values(
            "code", "name_kk", "name_ru", "name_en"
        )
    }
    names = {}
    for code in codes:
        for candidate in (code, *kato_ancestors(code)):
            if candidate in rows:
                names[code] = rows[candidate]
                break
    return names


def region_place_code(region_code: str | None) -> str | None:
    """The КАТО code of a region (its two digits, then zeros)."""
    return region_code.ljust(9, "0") if region_code else None


def with_place_name(code: str, names: dict[str, str]) -> str:
    """``Name (code)`` when the code's place is known, else the code."""
    name = names.get(code)
    return f"{name} ({code})" if name else code


def search_places(text: str, *, region: str | None = None, limit: int = 20) -> list[dict]:
    """Places whose code starts with ``text`` or whose kk/ru name contains it."""
    text = (text or "").strip()
    if not text:
        return []
    query = (
        Q(code__startswith=text)
        if text.isdigit()
        else (Q(name_kk__icontains=text) | Q(name_ru__icontains=text))
    )
    places = Place.objects.filter(query)
    if region:
        places = places.filter(region_id=region)
    lang = (get_language() or "kk")[:2]
    rows = places.order_by("level", "code").values("code", "name_kk", "name_ru", "name_en")
    return [{"code": r["code"], "name": _name(r, lang)} for r in rows[:limit]]


DEMO_FILE = Path(__file__).resolve().parent / "data" / "kato_demo.csv"


def seed_places_demo(*, rng, today, users) -> str:
    """Demo: the regions and the regional centres' city administrations and cities,
    loaded from a file in the classifier's layout through the admin's import."""
    new, updated = import_kato_file(DEMO_FILE)
    return f"{new} КАТО places added, {updated} updated"
