#!/usr/bin/env bash
# Shared set-up for scripts/up.sh, scripts/test.sh and scripts/down.sh:
# a virtual environment, PostgreSQL and Redis. Sourced, not run.
#
# Order of preference for each server:
#   1. DATABASE_URL / REDIS_URL when set;
#   2. a server already listening on the default local port (5432 / 6379);
#   3. a project-local server under .local/ (installed from Debian's
#      packages first when missing and running as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
VENV="$ROOT/.venv"
PG_LOCAL_PORT="${PG_LOCAL_PORT:-54329}"
REDIS_LOCAL_PORT="${REDIS_LOCAL_PORT:-63799}"
mkdir -p "$LOCAL/log" "$LOCAL/run"

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  # Installs Debian packages when running as root; otherwise says what to install.
  if [ "$(id -u)" -ne 0 ]; then
    die "please install: $* (sudo apt-get install -y $*), or set DATABASE_URL / REDIS_URL"
  fi
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  say "installing $* from Debian packages"
  if [ ! -f "$LOCAL/.apt-updated" ]; then
    apt-get update -qq >"$LOCAL/log/apt.log" 2>&1 || die "apt-get update failed (see $LOCAL/log/apt.log)"
    touch "$LOCAL/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    >>"$LOCAL/log/apt.log" 2>&1 || die "apt-get install $* failed (see $LOCAL/log/apt.log)"
}

pick_python() {
  # Django 6 needs Python 3.12+: prefer it when present, else run on 3.11.
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  local c
  for c in python3.13 python3.12; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import venv' >/dev/null 2>&1; then
      command -v "$c"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for c in "$(pyenv root)"/versions/3.12*/bin/python3.12 "$(pyenv root)"/versions/3.13*/bin/python3.13; do
      if [ -x "$c" ] && "$c" -c 'import venv' >/dev/null 2>&1; then echo "$c"; return; fi
    done
  fi
  command -v python3 >/dev/null 2>&1 || die "Python 3.11+ is required"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11+ is required"
  command -v python3
}

unlocked_packages() {
  # Fails, naming them, when an installed package has no pin in requirements.lock.
  "$VENV/bin/python" - "$ROOT/requirements.lock" <<'PY'
import re, sys
from importlib import metadata

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

locked = {norm(re.split(r"[=<>;@ ]", line.strip())[0]) for line in open(sys.argv[1])
          if line.strip() and not line.startswith("#")}
installed = {norm(d.metadata["Name"]) for d in metadata.distributions()}
missing = sorted(installed - locked - {"pip", "setuptools", "wheel", "regulator"})
if missing:
    print("not pinned in requirements.lock: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
}

ensure_venv() {
  local py stamp want
  if [ ! -x "$VENV/bin/python" ]; then
    py="$(pick_python)"
    if ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
      local v; v="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      apt_install "python$v-venv"
    fi
    say "creating virtual environment with $("$py" --version)"
    "$py" -m venv "$VENV"
  fi
  want="$(cat "$ROOT/pyproject.toml" "$ROOT/requirements.lock" | sha256sum | cut -c1-16)"
  stamp="$VENV/.installed-$want"
  if [ ! -f "$stamp" ]; then
    say "installing Python dependencies (versions from requirements.lock)"
    "$VENV/bin/python" -m pip install -q --upgrade pip >"$LOCAL/log/pip.log" 2>&1 || true
    # The lock pins every package, transitive ones too; pyproject.toml says which to install.
    (cd "$ROOT" && "$VENV/bin/python" -m pip install -q -c requirements.lock -e ".[dev]" >>"$LOCAL/log/pip.log" 2>&1) \
      || { grep -v '^WARNING: Location' "$LOCAL/log/pip.log" | tail -20 >&2; die "pip install failed (see .local/log/pip.log)"; }
    unlocked_packages || die "requirements.lock misses packages that were installed: run scripts/lock.sh"
    rm -f "$VENV"/.installed-*; touch "$stamp"
  fi
  # WeasyPrint renders PDFs with Pango.
  if ! "$VENV/bin/python" -c 'import weasyprint' >/dev/null 2>&1; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  fi
  export PATH="$VENV/bin:$PATH"
}

find_pg_bin() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_accepts() { # URL -> can we run a query?
  "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg2
psycopg2.connect(sys.argv[1], connect_timeout=3).close()
PY
}

pg_create_db() { # admin URL, database name
  "$VENV/bin/python" - "$1" "$2" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(sys.argv[1]); conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[2],))
if not cur.fetchone():
    # Byte-order collation (C): identifiers sort and index fast; the character classes
    # (upper/lower case of Kazakh and Russian) stay those of UTF-8.
    try:
        cur.execute(
            f'CREATE DATABASE "{sys.argv[2]}" TEMPLATE template0 ENCODING \'UTF8\' '
            "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
        )
    except psycopg2.Error:
        cur.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    if ! pg_accepts "$DATABASE_URL"; then
      # The server may be up without the named database yet: create it.
      local base="${DATABASE_URL%%\?*}" server name
      server="${base%/*}"; name="${base##*/}"
      pg_accepts "$server/postgres" \
        || die "DATABASE_URL is set but the PostgreSQL server at ${server##*@} does not accept connections"
      say "creating database $name"
      pg_create_db "$server/postgres" "$name" || die "could not create database $name"
    fi
    export DATABASE_URL; return
  fi
  local user="${PGUSER:-postgres}"
  local default="postgres://$user@localhost:5432/postgres"
  if pg_accepts "$default"; then
    say "using PostgreSQL already listening on port 5432"
    pg_create_db "$default" regulator
    export DATABASE_URL="postgres://$user@localhost:5432/regulator"; return
  fi
  local admin="postgres://postgres@127.0.0.1:$PG_LOCAL_PORT/postgres"
  if pg_accepts "$admin"; then
    # A project-local server of another checkout is already on the port.
    say "using PostgreSQL already listening on port $PG_LOCAL_PORT"
    pg_create_db "$admin" regulator
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_LOCAL_PORT/regulator"; return
  fi
  local bin data="$LOCAL/pg"
  bin="$(find_pg_bin)" || { apt_install postgresql; bin="$(find_pg_bin)" || die "PostgreSQL binaries not found"; }
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb and postgres refuse to run as root: use the postgres account.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    run=(runuser -u postgres --)
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initialising a project-local PostgreSQL cluster in .local/pg"
    mkdir -p "$data"; [ "$(id -u)" -eq 0 ] && chown postgres "$data" "$LOCAL/log"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --lc-collate=C >"$LOCAL/log/initdb.log" 2>&1 \
      || die "initdb failed (see .local/log/initdb.log)"
  fi
  [ "$(id -u)" -eq 0 ] && chown postgres "$LOCAL/log"
  if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "starting PostgreSQL on port $PG_LOCAL_PORT"
    # A quarter of the memory for PostgreSQL's buffers (128 MB to 4 GB): the national
    # registries' tables and indexes are written in place, not read back from disk.
    local mem_mb buffers_mb
    mem_mb="$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo 2>/dev/null || echo 512)"
    buffers_mb=$(( mem_mb / 4 )); [ "$buffers_mb" -lt 128 ] && buffers_mb=128; [ "$buffers_mb" -gt 4096 ] && buffers_mb=4096
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$LOCAL/log/postgres.log" -w -t 60 \
      -o "-p $PG_LOCAL_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=${buffers_mb}MB -c max_wal_size=8GB" start >/dev/null \
      || die "PostgreSQL did not start (see .local/log/postgres.log)"
  fi
  pg_create_db "$admin" regulator
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_LOCAL_PORT/regulator"
}

redis_ping() { # URL
  "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    redis_ping "$REDIS_URL" || die "REDIS_URL is set but Redis does not answer"
    export REDIS_URL; return
  fi
  if redis_ping "redis://localhost:6379/0"; then
    say "using Redis already listening on port 6379"
    export REDIS_URL="redis://localhost:6379/0"; return
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$LOCAL/redis"
  if ! redis_ping "redis://127.0.0.1:$REDIS_LOCAL_PORT/0"; then
    say "starting Redis on port $REDIS_LOCAL_PORT"
    redis-server --port "$REDIS_LOCAL_PORT" --bind 127.0.0.1 --daemonize yes \
      --dir "$LOCAL/redis" --pidfile "$LOCAL/run/redis.pid" --logfile "$LOCAL/log/redis.log" \
      --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis_ping "redis://127.0.0.1:$REDIS_LOCAL_PORT/0" && break; sleep 0.1; done
    redis_ping "redis://127.0.0.1:$REDIS_LOCAL_PORT/0" || die "Redis did not start (see .local/log/redis.log)"
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_LOCAL_PORT/0"
}

remember_servers() {
  # manage.py under the local settings reads this file, so commands typed by
  # hand reach the same database and broker as the scripts.
  printf 'DATABASE_URL=%s\nREDIS_URL=%s\n' "$DATABASE_URL" "$REDIS_URL" >"$LOCAL/run/env"
}

ensure_gettext() {
  # compilemessages needs msgfmt.
  command -v msgfmt >/dev/null 2>&1 || apt_install gettext
}

ensure_chromium() {
  # Browser tests drive Debian's Chromium through Playwright.
  if ! command -v chromium >/dev/null 2>&1; then apt_install chromium; fi
  export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
}

ensure_axe() {
  # The accessibility scan of the browser tests: axe-core, pinned in package-lock.json.
  [ -f "$ROOT/node_modules/axe-core/axe.min.js" ] && return 0
  command -v npm >/dev/null 2>&1 || apt_install npm
  say "installing axe-core for the browser tests (npm ci)"
  (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund >"$LOCAL/log/npm.log" 2>&1) \
    || die "npm ci failed (see .local/log/npm.log)"
}

stop_local_servers() {
  local bin
  if [ -f "$LOCAL/pg/postmaster.pid" ] && bin="$(find_pg_bin)"; then
    local run=(); [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$bin/pg_ctl" -D "$LOCAL/pg" -m fast stop >/dev/null 2>&1 && say "PostgreSQL stopped" || true
  fi
  if [ -f "$LOCAL/run/redis.pid" ]; then
    kill "$(cat "$LOCAL/run/redis.pid")" 2>/dev/null && say "Redis stopped" || true
    rm -f "$LOCAL/run/redis.pid"
  fi
}

# Everything a run of the product needs: the Python environment, PostgreSQL and
# Redis (remembered for manage.py), and the translation tools.
ensure_servers() {
  ensure_venv
  ensure_postgres
  ensure_redis
  remember_servers
  ensure_gettext
}
