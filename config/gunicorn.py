"""gunicorn settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

Every value can be changed through the environment of the container. The
access and error logs pass through the same filter as Django's logs, so a
12-digit number (an IIN or a BIN) in a URL never reaches them.
"""

import multiprocessing
import os

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


class MaskingLogger(glogging.Logger):
    """gunicorn's logger with personal numbers masked in access and error records."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # Imported here: the project directory is on sys.path only once gunicorn
        # has read this file.
        from core.logging import MaskPersonalDataFilter

        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskPersonalDataFilter) for f in log.filters):
                log.addFilter(MaskPersonalDataFilter())


logger_class = MaskingLogger
