"""gunicorn settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

Every value can be changed through the environment of the container. The
access and error logs pass through the same filter as Django's logs, so a
12-digit number (an IIN or a BIN) in a URL never reaches them.
"""

import multiprocessing
import os
import re

from gunicorn import glogging

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound: at the status
# look-ups' rate (about a thousand a second) each worker every few minutes, not seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Django is imported once, in the master: a worker recycled under load forks ready to
# answer instead of spending a second importing while its clients wait.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"
# The reverse proxy in front sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: containers are managed by their orchestrator.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


# The access record's fields this module's format uses, and how each is read.
ACCESS_FIELDS = {
    "h": lambda resp, environ, took: environ.get("REMOTE_ADDR", "-"),
    "r": lambda resp, environ, took: (
        f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
    ),
    "s": lambda resp, environ, took: str(resp.status).split(None, 1)[0],
    "b": lambda resp, environ, took: "-" if getattr(resp, "sent", None) is None else str(resp.sent),
    "M": lambda resp, environ, took: took.seconds * 1000 + took.microseconds // 1000,
    "a": lambda resp, environ, took: environ.get("HTTP_USER_AGENT", "-"),
}


class MaskingLogger(glogging.Logger):
    """gunicorn's logger with personal numbers masked in access and error records.

    An access record is built from the fields its format names only: gunicorn's own
    builds some forty (every request and response header and environ entry among
    them) on each request, an eighth of a status look-up's time in Python. A format
    naming any other field gets gunicorn's full set."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        named = set(re.findall(r"%\((.*?)\)", cfg.access_log_format))
        self.access_fields = (
            {k: ACCESS_FIELDS[k] for k in named} if named <= ACCESS_FIELDS.keys() else None
        )
        # Imported here: the project directory is on sys.path only once gunicorn
        # has read this file.
        from core.logging import MaskPersonalDataFilter

        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskPersonalDataFilter) for f in log.filters):
                log.addFilter(MaskPersonalDataFilter())

    def atoms(self, resp, req, environ, request_time):
        if self.access_fields is None:
            return super().atoms(resp, req, environ, request_time)
        return {k: read(resp, environ, request_time) for k, read in self.access_fields.items()}


logger_class = MaskingLogger
