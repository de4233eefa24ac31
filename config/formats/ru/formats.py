"""Russian formats: the same as the Kazakh ones (config/formats/kk)."""

from config.formats.kk.formats import *  # noqa: F403
