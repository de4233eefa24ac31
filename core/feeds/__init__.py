"""The shared feed-import pipeline: declarations, registry and loading (FEEDS.md).

An app declares its feeds in ``<app>/feeds.py`` (found by ``autodiscover`` at
start-up)::

    register(Feed(name="...", model="app.FactModel", columns=[Column(...)],
                  identity=("...",),
                  rules=[Rule("a <= b", column="b", reason=_("...")),      # rejects the row
                         Flag("c >= 70000", column="c", reason=_("..."))]))  # loads it, flagged

and loads files with ``core.feeds.pipeline.import_feed_file`` (the
``import_feed`` command and the ``core.tasks.import_feed_inbox`` task).

- ``Derived("name", "sql over the typed columns")``: a stored value computed per row.
- ``Feed(..., partition_by="period", partition_interval="month")``: an append-mostly feed
  whose fact table is partitioned by that identity column; its migration adds
  ``core.feeds.partitions.PartitionFactTable("Model", key="period")`` after CreateModel.
- Fact models subclass ``core.models.FeedFact``: ``Model.objects.current()``,
  ``.as_of(date)`` (by the declaring feed's identity) and ``.flagged()``; their admin
  subclasses ``core.feeds.admin.FeedFactAdmin``.
- ``manage.py check`` compares each declaration with its model (types, lengths, nulls).
"""

from .declarations import (
    CHOICE,
    DATE,
    DECIMAL,
    FLAG,
    IIN_BIN,
    INT,
    KATO,
    MONTH,
    OKED,
    REJECT,
    TEXT,
    Column,
    Derived,
    Feed,
    FileRule,
    Flag,
    LoadContext,
    Rule,
)
from .files import FeedRefused
from .registry import UnknownFeed, autodiscover, get_feed, register, registered_feeds

__all__ = [
    "CHOICE",
    "DATE",
    "DECIMAL",
    "FLAG",
    "REJECT",
    "IIN_BIN",
    "INT",
    "KATO",
    "MONTH",
    "OKED",
    "TEXT",
    "Column",
    "Derived",
    "Feed",
    "FeedRefused",
    "FileRule",
    "Flag",
    "LoadContext",
    "Rule",
    "UnknownFeed",
    "autodiscover",
    "get_feed",
    "register",
    "registered_feeds",
]
