#!/usr/bin/env bash
# Stops what scripts/up.sh started: web, worker, beat, and the project-local
# PostgreSQL and Redis (servers that were already running are left alone).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for name in gunicorn worker beat; do
  pidfile="$LOCAL/run/$name.pid"
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      say "$name stopped"
    fi
    rm -f "$pidfile"
  fi
done
stop_local_servers
