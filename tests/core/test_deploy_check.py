"""Production settings pass ``manage.py check --deploy`` (ARCHITECTURE.md, style rule 6)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    """A realistic production environment, nothing inherited but the basics."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "regulator.example.kz,www.regulator.example.kz",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://regulator.example.kz",
        "DATABASE_URL": "postgres://regulator:s3cret-password@db.internal:5432/regulator",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_no_issues_with_a_production_environment():
    env = production_env()
    assert len(env["DJANGO_SECRET_KEY"]) >= 50

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_flags_a_weak_secret_key():
    result = manage(
        "check", "--deploy", env=production_env(DJANGO_SECRET_KEY="django-insecure-short")
    )

    assert "security.W009" in result.stdout + result.stderr


def test_log_level_is_read_in_any_case():
    """gunicorn takes ``LOG_LEVEL=warning`` as written; Django's logging must too."""
    result = manage(
        "shell",
        "-c",
        "import logging; print(logging.getLevelName(logging.getLogger().level))",
        env=production_env(LOG_LEVEL="warning"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "WARNING"
