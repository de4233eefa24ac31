"""Personal data stays out of the logs (COMMON security rule: never log IINs)."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from core.logging import MaskPersonalDataFilter, mask_personal_numbers

ROOT = Path(__file__).resolve().parents[2]
IIN = "880101300123"
MASKED = "88**********"


@contextmanager
def configured_console_output():
    """What the handler configured in settings.LOGGING writes, captured."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)
    ]
    assert handlers, "the root logger has the masking console handler"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def test_mask_replaces_twelve_digit_numbers_only():
    assert mask_personal_numbers(f"iin={IIN}, bin 010140000014.") == (
        f"iin={MASKED}, bin 01**********."
    )
    assert mask_personal_numbers("phone 87011234567 and 1234567890123") == (
        "phone 87011234567 and 1234567890123"
    )


def test_configured_handler_masks_an_iin_in_message_and_arguments():
    logger = logging.getLogger("inspection.services")

    with configured_console_output() as output:
        logger.warning("victim %s not found", IIN)
        logger.error(f"rejected row for {IIN}")

    text = output.getvalue()
    assert IIN not in text
    assert text.count(MASKED) == 2
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_pii"]


@pytest.mark.django_db
def test_django_request_log_masks_an_iin_in_the_path(client, make_user):
    client.force_login(make_user("ops"))

    with configured_console_output() as output:
        response = client.get(f"/api/v1/mhi/status/{IIN}/")
        client.get(f"/no-such-page/{IIN}/")

    assert response.status_code == 404
    text = output.getvalue()
    assert "Not Found" in text
    assert IIN not in text
    assert MASKED in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "localhost", db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db
def test_gunicorn_access_and_error_logs_mask_an_iin_in_the_url():
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz?iin={IIN}", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/no-such-page/{IIN}/?q={IIN}", timeout=5)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)

    assert f'"GET /healthz?iin={MASKED} HTTP/1.1" 200' in output
    assert f"/no-such-page/{MASKED}/?q={MASKED}" in output
    assert IIN not in output


def test_gunicorn_access_record_reads_only_its_fields_and_words_them_as_gunicorn_does():
    import datetime as dt
    import importlib.util

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)

    class Response:
        status, sent, headers = "200 OK", 1234, [("Content-Type", "application/json")]

    environ = {
        "REMOTE_ADDR": "10.0.0.7",
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/v1/mhi/status/?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": 'lis "9"',
    }
    took = dt.timedelta(seconds=1, microseconds=2500)
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    cfg.set("accesslog", None)
    ours = conf.MaskingLogger(cfg)
    assert ours.access_fields is not None and set(ours.access_fields) == {
        "h",
        "r",
        "s",
        "b",
        "M",
        "a",
    }
    theirs = Logger(cfg)

    def line(logger):
        atoms = logger.atoms(Response(), [], environ, took)
        return logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)

    assert (
        line(ours)
        == line(theirs)
        == ('10.0.0.7 "POST /api/v1/mhi/status/?x=1 HTTP/1.1" 200 1234 1002ms "lis \\"9\\""')
    )
    # A format naming a field of its own gets gunicorn's whole set of fields.
    cfg.set("access_log_format", "%(h)s %({user-agent}i)s")
    other = conf.MaskingLogger(cfg)
    assert other.access_fields is None
    assert line(other) == line(Logger(cfg)) == "10.0.0.7 -"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_celery_worker_log_masks_an_iin_in_a_message_body(celery_worker_process):
    from config.celery import app

    # An unregistered task makes the worker log the whole message body, arguments included.
    app.send_task("core.no_such_task", args=[IIN])
    # Same queue, one message at a time: once this answers, the first one was logged.
    assert app.send_task("celery.accumulate", args=[1, 2]).get(timeout=30) == [1, 2]
    celery_worker_process.terminate()
    output, _ = celery_worker_process.communicate(timeout=30)

    assert "core.no_such_task" in output
    assert MASKED in output
    assert IIN not in output
