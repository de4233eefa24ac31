#!/usr/bin/env bash
# Runs every benchmark in bench/ against the real PostgreSQL; prints the figures.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
ensure_postgres
ensure_redis
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.local
for b in bench/*.py; do
  case "$(basename "$b")" in _*) continue ;; esac
  say "$b"
  python "$b" "$@"
done
