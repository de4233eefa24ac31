"""Settings of the feed benchmark: the local settings plus the test feeds (tests/feedapp),
whose partitioned ``test_payments`` stands for an append-mostly national feed."""

from config.settings.local import *  # noqa: F403
from config.settings.local import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.feedapp"]
