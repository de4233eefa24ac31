# syntax=docker/dockerfile:1
# One image for the web (gunicorn), the Celery worker and Celery beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    FEED_INBOX_ROOT=/data/inbox

# WeasyPrint renders PDFs with Pango; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them; every version,
# transitive ones too, comes from requirements.lock.
COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock .

COPY . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build@localhost/build \
        python manage.py compilemessages --ignore=.venv -v 0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/staticfiles /data/inbox \
    && chown -R app:app /app/staticfiles /data \
    && chmod +x scripts/docker-entrypoint.sh

USER app
EXPOSE 8000
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
