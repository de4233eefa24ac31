"""``python manage.py import_feed FEED PATH [--delivered-on DATE]`` (INTERFACES.md, FEEDS.md).

Prints one JSON summary line and exits 0 when the file was read (bad rows are
rejected, the rest loads); exits non-zero with a message when the file itself
is refused, in which case nothing is loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.feeds import FeedRefused, UnknownFeed, get_feed
from core.feeds.pipeline import import_feed_file


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = "Load one feed file (FEEDS.md) and print its JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("feed", help="feed name, e.g. esbd_contracts")
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--delivered-on",
            type=iso_date,
            default=None,
            help="delivery date YYYY-MM-DD, when the file name does not carry it",
        )

    def handle(self, *args, feed: str, path: str, delivered_on: dt.date | None, **options) -> None:
        try:
            declared = get_feed(feed)
        except UnknownFeed as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = import_feed_file(feed=declared, path=path, delivered_on=delivered_on)
        except FeedRefused as exc:
            raise CommandError(f"File refused, nothing loaded: {exc}") from None
        self.stdout.write(summary.to_json())
