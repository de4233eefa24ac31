#!/usr/bin/env bash
# Runs every benchmark in bench/ against the real PostgreSQL; prints the figures.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
ensure_postgres
ensure_redis
# The look-up benchmarks' HTTP client (C, so it does not take the server's processor).
command -v wrk >/dev/null || apt_install wrk
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=config.settings.local
for b in bench/*.py; do
  case "$(basename "$b")" in _*) continue ;; esac
  say "$b"
  python "$b" "$@"
done
