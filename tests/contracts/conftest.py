from __future__ import annotations

from pathlib import Path

import pytest

from core.feeds.pipeline import FeedSummary, import_feed_file
from core.models import FeedRejection

from .esbd_rows import write_feed


@pytest.fixture
def load_esbd(tmp_path: Path):
    """load_esbd(rows, name=..., columns=...) -> (summary, rejections as (row, column, value, reason))."""
    counter = {"n": 0}

    def _load(rows, *, name: str | None = None, columns=None, delivered_on=None):
        counter["n"] += 1
        name = name or f"esbd_contracts_202502{counter['n']:02d}.csv"
        path = write_feed(tmp_path, rows, name=name, columns=columns)
        summary: FeedSummary = import_feed_file(
            feed="esbd_contracts", path=path, delivered_on=delivered_on
        )
        rejections = list(
            FeedRejection.objects.filter(feed_file__file_name=name)
            .order_by("row_number", "column")
            .values_list("row_number", "column", "value", "reason")
        )
        return summary, rejections

    return _load


@pytest.fixture
def load_esutd(tmp_path: Path):
    """load_esutd(rows) -> (summary, rejections as (row, column, value, reason))."""
    from .esutd_rows import write_esutd

    counter = {"n": 0}

    def _load(rows, *, day: str = "20250301"):
        counter["n"] += 1
        name = f"esutd_contracts_{day}_{counter['n']}.csv"
        path = write_esutd(tmp_path, rows, name=name)
        summary = import_feed_file(feed="esutd_contracts", path=path)
        rejections = list(
            FeedRejection.objects.filter(feed_file__file_name=name)
            .order_by("row_number", "column")
            .values_list("row_number", "column", "value", "reason")
        )
        return summary, rejections

    return _load
