"""The reference data shipped in core/data/: loaded by migration 0002 and again
whenever the tables are found empty after a flush (editable in admin afterwards)."""

import csv
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

REGION_NAMES_EN = {
    "10": "Abai Region",
    "11": "Akmola Region",
    "15": "Aktobe Region",
    "19": "Almaty Region",
    "23": "Atyrau Region",
    "27": "West Kazakhstan Region",
    "31": "Jambyl Region",
    "33": "Jetisu Region",
    "35": "Karaganda Region",
    "39": "Kostanay Region",
    "43": "Kyzylorda Region",
    "47": "Mangystau Region",
    "55": "Pavlodar Region",
    "59": "North Kazakhstan Region",
    "61": "Turkistan Region",
    "62": "Ulytau Region",
    "63": "East Kazakhstan Region",
    "71": "Astana",
    "75": "Almaty",
    "79": "Shymkent",
}
MCI = {2023: "3450", 2024: "3692", 2025: "3932", 2026: "4325"}


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _names(row: dict) -> dict[str, str]:
    return {key: row[key] for key in ("name_kk", "name_ru", "name_en")}


def load_reference_data(apps) -> None:
    Region = apps.get_model("core", "Region")
    for r in rows("regions.csv"):
        r["name_en"] = REGION_NAMES_EN.get(r["code"], "")
        Region.objects.update_or_create(code=r["code"], defaults={"kato": r["kato"], **_names(r)})
    load_region_places(apps)
    OkedSection = apps.get_model("core", "OkedSection")
    for r in rows("oked_sections.csv"):
        OkedSection.objects.update_or_create(code=r.pop("code"), defaults=r)
    OkedCode = apps.get_model("core", "OkedCode")
    for r in rows("oked_codes.csv"):
        defaults = {"section_id": r["section"], "risk_class": int(r["risk_class"]), **_names(r)}
        OkedCode.objects.update_or_create(code=r["code"], defaults=defaults)
    MciRate = apps.get_model("core", "MciRate")
    for year, amount in MCI.items():
        MciRate.objects.update_or_create(year=year, defaults={"amount_kzt": Decimal(amount)})
    KnpCode = apps.get_model("core", "KnpCode")
    for r in rows("knp_codes.csv"):
        cover = {"gives_cover": r["gives_cover"] == "1", "cover_start": r["cover_start"]}
        KnpCode.objects.update_or_create(code=r["code"], defaults={**cover, **_names(r)})


def load_region_places(apps) -> None:
    """The КАТО table always holds the regions (its first level); the rest is imported."""
    try:
        Place = apps.get_model("core", "Place")
    except LookupError:  # a migration older than the КАТО table
        return
    for region in apps.get_model("core", "Region").objects.all():
        names = {"name_kk": region.name_kk, "name_ru": region.name_ru, "name_en": region.name_en}
        Place.objects.update_or_create(
            code=region.kato, defaults={"region_id": region.code, "level": 1, **names}
        )
