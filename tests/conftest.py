"""Shared fixtures: users of every role, API clients, and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Organisation

from .factories import PASSWORD, OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in another language activates it for the thread; undo that after each test."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("inspector", region="75") -> a user with that role and scope."""
    counter = {"n": 0}

    def _make(
        role: str,
        *,
        region: str | None = None,
        organisation: Organisation | None = None,
        username: str | None = None,
        password: str = PASSWORD,
    ):
        counter["n"] += 1
        return UserFactory(
            username=username or f"{role}{counter['n']}",
            password=password,
            role=role,
            region=region,
            organisation=organisation,
        )

    return _make


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an APIClient authenticated by the user's token."""

    def _client(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _client


@pytest.fixture
def insurer_org(db) -> Organisation:
    return OrganisationFactory(bin="010140000014", name="Demo Life", kind="insurer")


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker (separate process) on the real Redis, using the test database.

    Tests that use it write with committed transactions so the worker sees the data.
    """
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_QUEUE": queue,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                "Celery worker exited: " + (proc.stdout.read() if proc.stdout else "")
            )
        replies = app.control.ping(timeout=1.0)
        if replies:
            break
    else:
        proc.kill()
        raise RuntimeError("Celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
