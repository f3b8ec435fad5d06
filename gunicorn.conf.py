"""gunicorn's settings for the clinic: `.venv/bin/gunicorn clinic.wsgi` reads this file.

The access log never holds a patient link's token (a key to health data): every
/q/<token>/ and /c/<token>/ path, and a referrer carrying one, is logged as
/q/[redacted]/ or /c/[redacted]/.
"""

import os

from clinic.logs import gunicorn_logger_class

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Printing a plan renders a PDF: give a request time, then recycle stuck workers.
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# The app is loaded once, in the master, and each worker is a fork of it: a worker that is
# replaced (every `max_requests`) starts ready, instead of importing Django and the app
# again (about 1 s here, with one worker fewer to answer meanwhile). New code therefore
# needs a restart of gunicorn, not a HUP.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
logger_class = gunicorn_logger_class()
# Behind the proxy only: the proxy's address is trusted for X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server: object) -> None:
    """In the master, once the app is loaded: import the views too (the URLconf), which a
    worker would otherwise import on its first request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - read for its imports


def pre_fork(server: object, worker: object) -> None:
    """In the master, before each worker is forked: no database connection to hand down
    (closing a shared one in a worker would end it for every process), and what is loaded
    moved out of the garbage collector's sight (Python's `gc.freeze`, as its docs advise
    before a fork), so that the workers share its memory and a full collection walks only
    what requests made, not Django's 150,000 objects (about 60 ms each time here)."""
    import gc

    from django.db import connections

    connections.close_all()
    gc.freeze()
