"""Default document table of manual inclusions (seed 004 cl. 21 items 1-13, cl. 57; M6).

Loaded by a data migration and refilled after a flush that emptied it (as core's
reference data); admins correct it afterwards.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_documents(apps) -> None:
    kind_model = apps.get_model("mhi_registry", "DocumentKind")
    required = apps.get_model("mhi_registry", "RequiredDocument")
    with open(DATA / "document_kinds.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kind_model.objects.update_or_create(code=row.pop("code"), defaults=row)
    with open(DATA / "required_documents.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            required.objects.get_or_create(
                group=row["group"], slot=int(row["slot"]), kind_id=row["kind"]
            )


def refill_after_flush(sender, **kwargs) -> None:
    from django.apps import apps

    if (
        sender.label == "mhi_registry"
        and not apps.get_model("mhi_registry", "DocumentKind").objects.exists()
    ):
        load_documents(apps)
