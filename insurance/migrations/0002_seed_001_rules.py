"""Seed 001's rules: the first rules set, on which contracts are concluded by default."""

from django.db import migrations

from insurance.rules_data import ensure_seed_rules

def forwards(apps, schema_editor):
    ensure_seed_rules(apps.get_model("insurance", "RulesSet"))


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
