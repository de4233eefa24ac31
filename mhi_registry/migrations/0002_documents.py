"""The documents of manual inclusions (seed 004 cl. 21 items 1-13, cl. 57; MHI_RULES.md M6).

Admins may correct the table afterwards; this only puts the defaults in place.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
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


class Migration(migrations.Migration):
    dependencies = [("mhi_registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
