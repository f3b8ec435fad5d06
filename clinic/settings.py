"""Settings for the sciatica clinic app, driven by the environment.

Defaults are safe for production (DEBUG off, secure cookies when not debugging);
`make run` sets DEBUG=1 for local work. See README.md for every variable.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY (and DEBUG off), commands that need no secret still run (migrate,
# assess); serving a page fails with Django's "SECRET_KEY must not be empty".
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

# The key of the audit trail's seals: from the environment, never from the database, so
# that whoever can write to the database cannot forge a seal. Defaults to SECRET_KEY; set
# it separately to be free to change SECRET_KEY.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "") or SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "clinic",
    "intake",
    "plans",
]

MIDDLEWARE = [
    "clinic.middleware.security_headers",
    "clinic.errors.refuse_malformed",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clinic.middleware.renew_idle_session",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.twofactor.second_step",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.middleware.no_store_for_staff",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
            "builtins": ["clinic.templatetags.clinic_tags"],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

# SQLite is the zero-setup default for trying the app; production and CI use
# PostgreSQL through DATABASE_URL (postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Each request is one transaction: a change and its audit event commit together, or
# neither does (a dropped connection, an error while saving).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite: a request's transaction takes the write lock when it begins, so that two
    # requests wait for each other rather than fail when both start writing.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # The patient list's index carries the folded name for PostgreSQL to search the list
    # from the index alone; SQLite builds it without, as models.W040 would say each time.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Five wrong passwords for one username from one address lock that pair out for
# 15 minutes (django-axes); a successful sign-in resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "clinic.auth.RoleBackend",  # ModelBackend, with roles and permissions in one query
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Across user names: 20 wrong passwords from one address within the cool-off pause every
# sign-in from it (clinic.forms.StaffLoginForm), so guessing many names is slowed too.
ADDRESS_FAILURE_LIMIT = int(os.environ.get("ADDRESS_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_address"
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Sciatica clinic")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Locally whitenoise serves files straight from static/, no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# The built-in widgets rendered in Python, same markup: see clinic/form_renderer.py.
FORM_RENDERER = "clinic.form_renderer.FormRenderer"

# Email: the console backend prints messages while developing.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Health data: sessions end when the browser closes and after 30 idle minutes (a page
# warns two minutes before; what was typed in a form is kept in the browser meanwhile).
IDLE_MINUTES = int(os.environ.get("IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Not saved on every request: clinic.middleware.renew_idle_session renews the idle time
# with one write a minute at most.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "clinic.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (nginx, a load balancer) that sets this header.
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Behind a reverse proxy, the request header that carries the client's address for the
# audit trail, as Django names it (X-Real-IP set by nginx: "HTTP_X_REAL_IP").
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_link_tokens": {"()": "clinic.logs.RedactLinkTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_link_tokens"]},
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Questionnaire links
# Days a questionnaire link stays valid; patient uploads: where they are kept (never
# under MEDIA_ROOT, never served by URL) and how large one file may be.
QUESTIONNAIRE_LINK_DAYS = int(os.environ.get("QUESTIONNAIRE_LINK_DAYS", "14"))
# The patient's link between visits lasts the course (12 weeks at most: NICE CG88).
COURSE_LINK_DAYS = int(os.environ.get("COURSE_LINK_DAYS", "84"))
# The review's minimal important changes (Ostelo 2008: NPRS 2, ODI 10 points, or 30 % of
# the baseline); some clinics use ODI 6.
REVIEW_MIC_NPRS = float(os.environ.get("REVIEW_MIC_NPRS", "2"))
REVIEW_MIC_ODI = float(os.environ.get("REVIEW_MIC_ODI", "10"))
REVIEW_MIC_PERCENT = float(os.environ.get("REVIEW_MIC_PERCENT", "30"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
QUESTIONNAIRE_UPLOAD_MAX_BYTES = int(
    os.environ.get("QUESTIONNAIRE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)
# The most pixels an uploaded image may have (a 48-megapixel phone photo is 8000 × 6000).
QUESTIONNAIRE_UPLOAD_MAX_PIXELS = int(
    os.environ.get("QUESTIONNAIRE_UPLOAD_MAX_PIXELS", str(50_000_000))
)

# Printing
# An approved plan's copies are rendered after the approval commits, in a background thread
# of the process that approved it, so that printing serves stored bytes (plans.pdf.print_ahead).
# Off: rendered inline after the commit (the tests); printing renders whatever is missing.
PRINT_AHEAD_IN_THREAD = os.environ.get("PRINT_AHEAD_IN_THREAD", "1") == "1"
