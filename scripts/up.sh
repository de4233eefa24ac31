#!/usr/bin/env bash
# Brings up the whole system with demo data: PostgreSQL, Redis, the web
# server (gunicorn), a Celery worker and Celery beat. Stop with scripts/down.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_servers
cd "$ROOT"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
# A demo reachable only from this machine, with tracebacks in the logs, never
# on a page: HOST=0.0.0.0 (and DJANGO_ALLOWED_HOSTS) opens it to the network.
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-False}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,$HOST}"
CHECK_HOST="$HOST"; [ "$HOST" = "0.0.0.0" ] && CHECK_HOST=127.0.0.1
RUN="$LOCAL/run"; LOG="$LOCAL/log"

say "applying database migrations"
python manage.py migrate --noinput -v 0
python manage.py compilemessages -v 0 --ignore=.venv >/dev/null
python manage.py collectstatic --noinput -v 0
say "loading demo data (skipped when already present)"
python manage.py seed_demo

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! running "$RUN/gunicorn.pid"; then
  say "starting the web server on $HOST:$PORT"
  # config/gunicorn.py masks personal numbers in the access and error logs;
  # whatever the server or Django writes to stderr (tracebacks) lands in web.log.
  GUNICORN_BIND="$HOST:$PORT" WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}" \
    nohup gunicorn -c config/gunicorn.py config.wsgi:application \
    --pid "$RUN/gunicorn.pid" --access-logfile "$LOG/access.log" --error-logfile "-" \
    >>"$LOG/web.log" 2>&1 &
  for _ in $(seq 1 50); do [ -s "$RUN/gunicorn.pid" ] && break; sleep 0.1; done
fi
if ! running "$RUN/worker.pid"; then
  say "starting the Celery worker"
  # Logs go through Django's LOGGING (which masks personal numbers) to stderr.
  nohup celery -A config worker --concurrency 2 --loglevel INFO >>"$LOG/worker.log" 2>&1 &
  echo $! >"$RUN/worker.pid"
fi
if ! running "$RUN/beat.pid"; then
  say "starting Celery beat"
  nohup celery -A config beat --loglevel INFO --pidfile "" \
    --scheduler django_celery_beat.schedulers:DatabaseScheduler >>"$LOG/beat.log" 2>&1 &
  echo $! >"$RUN/beat.pid"
fi

for _ in $(seq 1 60); do
  if python - "$CHECK_HOST:$PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request, json
with urllib.request.urlopen(f"http://{sys.argv[1]}/healthz", timeout=2) as r:
    sys.exit(0 if json.load(r)["status"] == "ok" else 1)
PY
  sleep 1
done
health="$(python -c "import urllib.request,sys; print(urllib.request.urlopen('http://$CHECK_HOST:$PORT/healthz', timeout=3).read().decode())" 2>/dev/null || echo 'not answering')"

cat <<TXT

The system is up.
  Web:        http://$HOST:$PORT/        (health: $health)
  API docs:   http://$HOST:$PORT/api/docs/
  Admin:      http://$HOST:$PORT/admin/
  Logs:       .local/log/   Stop: scripts/down.sh

$(python manage.py seed_demo --print-logins)
TXT
