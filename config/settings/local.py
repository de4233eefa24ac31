"""Local development and the demo started by scripts/up.sh."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-not-secret-" + "x" * 40)

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
