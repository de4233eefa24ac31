"""The deployment description: docker-compose.yml, the Dockerfile and .env.example.

No container engine runs the tests, so the structure is checked instead:
the five services, their health checks, volumes and start order.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return test
    assert test[0] in ("CMD", "CMD-SHELL")
    return " ".join(test[1:])


def test_five_services_on_the_pinned_server_versions(compose):
    services = compose["services"]

    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
        assert services[name]["restart"] == "unless-stopped"


def test_each_service_runs_its_process(compose):
    services = compose["services"]

    assert services["web"]["command"] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    assert (ROOT / "config" / "gunicorn.py").is_file()
    assert services["web"]["environment"]["DJANGO_MIGRATE_ON_START"] == "1"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    beat = services["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "config", "beat"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in beat
    for name in ("worker", "beat"):
        assert "DJANGO_MIGRATE_ON_START" not in services[name]["environment"]
    assert "8000" in services["web"]["ports"][0].split(":")[-1]


def test_every_service_has_a_health_check(compose):
    services = compose["services"]
    expected = {
        "postgres": "pg_isready",
        "redis": "redis-cli ping",
        "web": "http://127.0.0.1:8000/healthz",
        "worker": "celery -A config inspect ping",
        "beat": "PeriodicTask",
    }

    for name, fragment in expected.items():
        check = services[name]["healthcheck"]
        assert fragment in healthcheck_command(services[name]), name
        assert {"interval", "timeout", "retries"} <= set(check), name


def test_start_order_waits_for_healthy_dependencies(compose):
    services = compose["services"]

    def conditions(name: str) -> dict[str, str]:
        return {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}

    assert conditions("web") == {"postgres": "service_healthy", "redis": "service_healthy"}
    # The worker and beat need the tables the web service migrates.
    for name in ("worker", "beat"):
        assert conditions(name) == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "web": "service_healthy",
        }


def test_named_volumes_for_data_and_the_feed_inbox(compose):
    declared = set(compose["volumes"])
    services = compose["services"]

    def named_mounts(name: str) -> dict[str, str]:
        mounts = {}
        for entry in services[name].get("volumes", []):
            source, target = entry.split(":")[:2]
            if not source.startswith((".", "/")):
                mounts[source] = target
        return mounts

    assert named_mounts("postgres") == {"postgres_data": "/var/lib/postgresql/data"}
    assert named_mounts("redis") == {"redis_data": "/data"}
    for name in APP_SERVICES:
        assert named_mounts(name) == {"feed_inbox": "/data/inbox"}
        assert services[name]["environment"]["FEED_INBOX_ROOT"] == "/data/inbox"
    used = set().union(*(named_mounts(name) for name in services))
    assert used == declared == {"postgres_data", "redis_data", "feed_inbox"}


def test_app_services_reach_the_servers_by_service_name(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_no_secret_is_written_in_the_compose_file(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    postgres_env = compose["services"]["postgres"]["environment"]

    assert postgres_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "DJANGO_SECRET_KEY" not in text


def test_env_example_names_every_variable_the_deployment_reads(compose):
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    interpolated = set(
        re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text())
    )
    production = (ROOT / "config" / "settings" / "production.py").read_text()
    required_by_settings = {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}

    assert interpolated <= defined
    assert required_by_settings <= defined
    assert all(name in production or name == "DJANGO_SECRET_KEY" for name in required_by_settings)
    # Placeholders only: nothing that could pass for a real secret.
    assert re.search(r"^DJANGO_SECRET_KEY=change-me$", example, re.MULTILINE)
    assert re.search(r"^POSTGRES_PASSWORD=change-me$", example, re.MULTILINE)


def test_env_file_is_kept_out_of_git_and_of_the_image():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False
    ).returncode
    dockerignore = (ROOT / ".dockerignore").read_text().splitlines()

    assert ignored == 0, ".env must be git-ignored"
    assert ".env" in dockerignore and "!.env.example" in dockerignore


def test_dockerfile_uses_the_entrypoint_that_migrates_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    entrypoint = ROOT / "scripts" / "docker-entrypoint.sh"
    script = entrypoint.read_text()

    assert re.search(r"^FROM python:3\.12", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["scripts/docker-entrypoint.sh"]' in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "runs as a non-root user"
    assert os.access(entrypoint, os.X_OK)
    assert "manage.py migrate --noinput" in script
    assert "manage.py collectstatic --noinput" in script
    assert script.rstrip().endswith('exec "$@"')


def test_entrypoint_runs_the_command_without_migrating_by_default():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_MIGRATE_ON_START"}

    result = subprocess.run(
        ["sh", "scripts/docker-entrypoint.sh", "echo", "started"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert (result.returncode, result.stdout) == (0, "started\n")
