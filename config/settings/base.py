"""Settings shared by every environment. Secrets come only from the environment."""

from pathlib import Path

import django
import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "config.apps.AxesConfig",
    "pgtrigger",
    "config.apps.HistoryConfig",
    "pghistory.admin",
    "core",
    "contracts",
    "insurance",
    "annuity",
    "mhi_registry",
    "inspection",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.audit.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Form widgets render from the templates, so templates/django/forms can word them
# (an empty choice reads "(not chosen)" in the user's language, not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): five failures lock the username+address pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
# Behind a reverse proxy every request comes from the proxy's address: the
# lockout keys on the client's own address (core.network.client_address).
# TRUSTED_PROXY_COUNT is how many proxies we run in front (0: the server is
# reached directly and X-Forwarded-For, which a client can forge, is ignored).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.network.client_address"

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates dd.mm.yyyy, 24-hour time, a space between thousands and a decimal
# comma in Kazakh and Russian (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A page form with every child list at its limit (core/limits.py) can be sent:
# the same number of rows the API accepts.
from core.limits import FORM_FIELDS_AT_LIMIT  # noqa: E402

DATA_UPLOAD_MAX_NUMBER_FIELDS = FORM_FIELDS_AT_LIMIT
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024

# Where external systems drop feed files: one folder per feed below it.
FEED_INBOX_ROOT = Path(env("FEED_INBOX_ROOT", default=str(BASE_DIR / "var" / "inbox")))
# How often (seconds) a running load records its step and rows done on its FeedFile.
FEED_PROGRESS_INTERVAL = env.float("FEED_PROGRESS_INTERVAL", default=1.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_RATE", default="6000/minute")},
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# No record nests deeper than this in a JSON body (core/api/parsers.py).
API_JSON_MAX_DEPTH = 32
SPECTACULAR_SETTINGS = {
    "TITLE": "Labour protection and safety information system API",
    "DESCRIPTION": "Mandatory and voluntary accident insurance, annuities, MHI registry, "
    "labour inspection and the monthly statistical forms.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public online validator either.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a "kind" field: name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "InspectionKindEnum": "inspection.models.InspectionKind",
        "SuspensionKindEnum": "inspection.models.SuspensionKind",
        "VictimOutcomeEnum": "inspection.models.VictimOutcome",
        "FormVersionKindEnum": ["regular", "correction"],
        "FormVersionStatusEnum": ["draft", "final"],
        "ClaimDocumentKindEnum": "insurance.models.claims.DocumentKind",
    },
}

# The admin's list of all changes leaves out the field differences (core/history_admin.py).
PGHISTORY_ADMIN_CLASS = "core.history_admin.HistoryEventsAdmin"

# Spreadsheets exported from the admin never carry live formulas: a cell that
# starts with =, +, - or @ is written as text (core/spreadsheets.py).
from core.spreadsheets import SafeCSV, SafeXLSX  # noqa: E402

EXPORT_FORMATS = [SafeCSV, SafeXLSX]

# Content-Security-Policy on every response: scripts, styles, images and
# connections only from this site, no framing, forms posted only here.
_CSP_SELF, _CSP_NONE = "'self'", "'none'"
SECURE_CSP = {
    "default-src": [_CSP_SELF],
    # No inline script runs but two of admin pages of libraries, allowed by their hash:
    # django-celery-beat's task form set-up and import-export's "select all" switch.
    "script-src": [
        _CSP_SELF,
        "'unsafe-hashes'",
        "'sha256-L+5hQ8CNzceu1a48Kc/Y8TakRF6QHBzW402t4cFRHAU='",
        "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
    ],
    # Swagger UI and import-export set inline styles; styles cannot run code.
    "style-src": [_CSP_SELF, "'unsafe-inline'"],
    "img-src": [_CSP_SELF, "data:"],
    "font-src": [_CSP_SELF, "data:"],
    "connect-src": [_CSP_SELF],
    "object-src": [_CSP_NONE],
    "base-uri": [_CSP_SELF],
    "form-action": [_CSP_SELF],
    "frame-ancestors": [_CSP_NONE],
}
if django.VERSION >= (6, 0):
    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
else:  # the Django 5.2 line of Python 3.11 sends the same header
    MIDDLEWARE.insert(1, "core.middleware.ContentSecurityPolicyMiddleware")

REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Keep the LOGGING below in the worker too (Celery would replace the root handlers,
# and with them the filter that masks personal numbers).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Personal data (IIN, names) never reaches the logs: the filter masks 12-digit numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
