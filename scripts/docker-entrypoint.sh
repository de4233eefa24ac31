#!/bin/sh
# Container entrypoint. With DJANGO_MIGRATE_ON_START=1 (the web service) the
# database is migrated and the static files collected before the command
# starts; the worker and beat wait for the web service to be healthy instead.
set -eu

if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
  python manage.py migrate --noinput
  python manage.py collectstatic --noinput -v 0
fi

exec "$@"
