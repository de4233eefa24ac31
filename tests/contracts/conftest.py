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
            FeedRejection.objects.filter(feed_file__file_name=name, kind="reject")
            .order_by("row_number", "column")
            .values_list("row_number", "column", "value", "reason")
        )
        return summary, rejections

    return _load


def flags_of(summary: FeedSummary) -> list[tuple[int, str, str, str]]:
    """The flags recorded for the file of ``summary``: (row, column, value, reason)."""
    return list(
        FeedRejection.objects.filter(feed_file__file_name=summary.file, kind="flag")
        .order_by("row_number", "column")
        .values_list("row_number", "column", "value", "reason")
    )
