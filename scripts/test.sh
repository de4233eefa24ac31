#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL and a real Redis.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/core -x).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_servers
ensure_chromium
ensure_axe
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.test
python manage.py compilemessages -v 0 --ignore=.venv >/dev/null
python -m ruff check --quiet . || die "ruff found problems"
python manage.py makemigrations --check --dry-run >/dev/null || die "models and migrations disagree: run makemigrations"
exec python -m pytest "$@"
