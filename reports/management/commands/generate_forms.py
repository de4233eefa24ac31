"""python manage.py generate_forms --period YYYY-MM [--form FORM] (INTERFACES.md)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.definitions import FORMS
from reports.models import VersionSource
from reports.periods import PeriodError, parse_period
from reports.services import form_generate


class Command(BaseCommand):
    help = "Generate a new version of the monthly forms for a month; one JSON line per form."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="Reporting month, YYYY-MM.")
        parser.add_argument("--form", choices=sorted(FORMS), help="Only this form.")

    def handle(self, *args, period: str, form: str | None = None, **options) -> None:
        try:
            month = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        for code in [form] if form else list(FORMS):
            try:
                version = form_generate(
                    form=code, period=month, source=VersionSource.COMMAND
                ).version
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            line = {
                "form": version.form,
                "period": version.period_label,
                "version": version.number,
                "status": version.status,
                "kind": version.kind,
                "checks_failed": version.checks_failed,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
