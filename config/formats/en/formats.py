"""English pages of this Kazakh system: the same dates and times as in Kazakh and
Russian (dd.mm.yyyy, 24-hour), English number marks (1,513.8)."""

from config.formats.kk.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
