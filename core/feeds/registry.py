"""The feeds known to the pipeline: each app declares its own in ``<app>/feeds.py``."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from .declarations import Feed

_FEEDS: dict[str, Feed] = {}


class UnknownFeed(LookupError):
    pass


def register(feed: Feed) -> Feed:
    """Make ``feed`` loadable by name. Returns it, so a module can keep a reference."""
    existing = _FEEDS.get(feed.name)
    if existing is not None and existing is not feed:
        raise ImproperlyConfigured(f"Feed {feed.name} is declared twice")
    _FEEDS[feed.name] = feed
    return feed


def unregister(name: str) -> None:
    _FEEDS.pop(name, None)


def get_feed(name: str) -> Feed:
    try:
        return _FEEDS[name]
    except KeyError:
        known = ", ".join(sorted(_FEEDS)) or "none"
        raise UnknownFeed(f"Unknown feed {name!r} (known: {known})") from None


def registered_feeds() -> dict[str, Feed]:
    return dict(sorted(_FEEDS.items()))


def autodiscover() -> None:
    """Import every installed app's ``feeds`` module (called from CoreConfig.ready)."""
    autodiscover_modules("feeds")
