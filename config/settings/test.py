"""Test settings: the real PostgreSQL and Redis of scripts/test.sh."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-" + "x" * 40)

from .base import *  # noqa: E402,F403
from .base import DATABASES, REST_FRAMEWORK, env  # noqa: E402

DEBUG = False
# Tests compare messages with their English source text; the Kazakh default of
# the product is tested explicitly (tests/core/test_i18n.py).
LANGUAGE_CODE = "en"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Several test runs may share one server: each database has its own test
# database, and TEST_DB_SUFFIX keeps apart runs on the same database.
DATABASES["default"]["TEST"] = {
    "NAME": f"test_{DATABASES['default']['NAME']}" + env("TEST_DB_SUFFIX", default="")
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "100000/minute"}}
AXES_FAILURE_LIMIT = 5

# Each test run sends tasks to a queue of its own, consumed by the worker it starts.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default=f"test-{os.getpid()}")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Feeds declared only for the tests of the shared feed pipeline (tests/feedapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.feedapp"]  # noqa: F405
