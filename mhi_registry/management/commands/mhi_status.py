"""``manage.py mhi_status [IIN ...] [--file PATH] [--on DATE] [--as-of DATE]`` (INTERFACES.md).

Prints the whole answer (with basis, category, explanation) as one JSON line
per IIN; a malformed IIN gets an error line and a non-zero exit after the
others are answered. Each run is recorded for audit like any look-up.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from mhi_registry import selectors
from mhi_registry.store import today


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "MHI status of IINs on a day, with the explanation (MHI_RULES.md)."

    def add_arguments(self, parser):
        parser.add_argument("iins", nargs="*", help="IINs")
        parser.add_argument("--file", help="a file with one IIN per line")
        parser.add_argument("--on", type=iso_date, help="day of care (default today)")
        parser.add_argument("--as-of", type=iso_date, help="knowledge date (default today)")

    def handle(self, *args, **options):
        iins = list(options["iins"])
        if options["file"]:
            try:
                with open(options["file"], encoding="utf-8") as f:
                    iins += [line.strip() for line in f if line.strip()]
            except OSError as exc:
                raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        if not iins:
            raise CommandError("Give IINs as arguments or --file PATH.")
        now = today()
        lookup = selectors.Lookup(on=options["on"] or now, as_of=options["as_of"] or now, full=True)
        failed = 0
        audit = selectors.Audit(None, "command")
        for result in selectors.status_answers(iins, lookup=lookup, audit=audit):
            if "error" in result:
                failed += 1
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        if failed:
            raise CommandError(f"{failed} malformed IIN(s)", returncode=2)
