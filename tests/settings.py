"""Settings for the test suite: the app's own settings, with what tests need on top.

The environment still decides the database (`DATABASE_URL`), so the same suite runs on
SQLite and on PostgreSQL. Debug stays off, as in production.
"""

from clinic.settings import *  # noqa: F403
from clinic.settings import SECRET_KEY, STORAGES

SECRET_KEY = SECRET_KEY or "django-insecure-tests-only"  # noqa: S105

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False

# Hashing passwords slowly is the point in production and a waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from static/: tests run without collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

AUDIT_KEY = "tests-only-audit-key"  # noqa: S105

# An approval's copies to print are rendered inline when its commit callbacks run, so that a
# test sees them without waiting for a thread (tests/plans/test_print_ahead.py runs the thread).
PRINT_AHEAD_IN_THREAD = False
