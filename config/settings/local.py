"""Local development and the demo started by scripts/up.sh."""

import os
from pathlib import Path

import environ

os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-not-secret-" + "x" * 40)
# The servers scripts/up.sh or scripts/test.sh last used (the environment wins).
_servers = Path(__file__).resolve().parent.parent.parent / ".local" / "run" / "env"
if _servers.exists():
    environ.Env.read_env(str(_servers))

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
