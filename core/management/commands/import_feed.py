"""``python manage.py import_feed FEED PATH [--delivered-on DATE]`` (INTERFACES.md, FEEDS.md).

Prints one JSON summary line and exits 0 when the file was read (bad rows are
rejected, the rest loads); exits non-zero with a message when the file itself
is refused, in which case nothing is loaded. On a terminal (or with
``--progress``) it shows the load moving on stderr: step, rows done, rows/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

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
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show the step, rows done and rows/s on stderr (default: on a terminal)",
        )

    def handle(
        self,
        *args,
        feed: str,
        path: str,
        delivered_on: dt.date | None,
        progress: bool | None = None,
        **options,
    ) -> None:
        try:
            declared = get_feed(feed)
        except UnknownFeed as exc:
            raise CommandError(str(exc)) from None
        show = sys.stderr.isatty() if progress is None else progress
        state = {"step": "", "rows": 0, "at": 0.0}

        def line(step: str, rows: int, elapsed: float, total: float) -> None:
            rate = rows / elapsed if elapsed > 0 else 0.0
            self.stderr.write(
                f"{total:7.1f}s  {step:<10} {rows:>12,} rows  {rate:>10,.0f} rows/s",
                ending="\n",
            )
            self.stderr.flush()

        def report(step: str, rows: int, seconds: float) -> None:
            """A line per step when it ends (rows, rows/s), and as the file is read."""
            if step != state["step"]:
                if state["step"]:
                    line(state["step"], state["rows"], seconds - state["at"], seconds)
                state.update(step=step, rows=rows, at=seconds)
                return
            state["rows"] = rows
            line(step, rows, seconds - state["at"], seconds)

        started = time.monotonic()
        try:
            if declared.importer is not None:
                # The feed reads its own file names (e.g. a security-forces list's authority).
                summary = declared.importer(Path(path), delivered_on=delivered_on)
            else:
                summary = import_feed_file(
                    feed=declared,
                    path=path,
                    delivered_on=delivered_on,
                    progress=report if show else None,
                )
        except FeedRefused as exc:
            raise CommandError(f"File refused, nothing loaded: {exc}") from None
        if show and state["step"]:
            total = time.monotonic() - started
            line(state["step"], summary.rows, total - state["at"], total)
        self.stdout.write(summary.to_json())
