"""The documents of manual inclusions (seed 004 cl. 21 items 1-13, cl. 57; MHI_RULES.md M6)."""

from django.db import migrations


def load(apps, schema_editor):
    from mhi_registry.reference import load_documents

    load_documents(apps)


class Migration(migrations.Migration):
    dependencies = [("mhi_registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
