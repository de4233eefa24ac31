#!/usr/bin/env bash
# Rewrites requirements.lock from a fresh virtual environment installed from
# pyproject.toml alone (no lock), so the lock holds what a new machine would get
# today. Run after changing a dependency in pyproject.toml; commit both files.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
py="$(pick_python)"
"$py" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
(cd "$ROOT" && "$tmp/venv/bin/python" -m pip install -q ".[dev]")
{
  echo "# Every package the project installs, pinned: direct dependencies (pyproject.toml) and"
  echo "# everything they pull in. Used as pip constraints by scripts/lib.sh and the Dockerfile,"
  echo "# so every machine gets the versions CI had. Regenerate with scripts/lock.sh."
  "$tmp/venv/bin/python" -m pip freeze --all | grep -v -i -E '^(pip|setuptools|wheel|regulator)( @|==)' \
    | sed -E 's/^[Dd]jango==([0-9.]+)$/Django==\1; python_version >= "3.12"\nDjango==5.2.19; python_version < "3.12"/'
} >"$ROOT/requirements.lock"
say "requirements.lock written ($(grep -c '==' "$ROOT/requirements.lock") pins)"
