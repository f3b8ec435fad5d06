"""Responses with health data are never kept in a browser's or a proxy's cache; every
response carries a strict Content-Security-Policy and a Permissions-Policy; a session's
idle time is renewed by its requests, with one write a minute at most."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from clinic.auth import SESSION_ROLES, kept_in


def no_store_for_staff(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


#: Only the app's own files: no inline script or style, no frames, forms only to the app.
#: Images may be `data:` URLs (Bootstrap's icons are).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
#: No page of the app uses the camera, the microphone, the location or any other feature.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


#: The session key holding when a request last renewed the session's idle time (epoch s).
RENEWED_AT = "renewed_at"
#: A request renews the session only when the last renewal is this old: a write a minute
#: at most, instead of one per request (SESSION_SAVE_EVERY_REQUEST).
RENEW_AFTER_SECONDS = 60


def idle_seconds_left(session: SessionBase) -> int:
    """How long the session lasts without another request: the idle time from the last
    renewal (the page warns two minutes before, and says when)."""
    renewed = session.get(RENEWED_AT, time.time())
    return max(0, int(settings.SESSION_COOKIE_AGE - (time.time() - renewed)))


def renew_idle_session(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A session ends SESSION_COOKIE_AGE after its last renewal; each request of a session
    renews it when the last renewal is a minute old or more, which saves the session (and
    so its expiry) once, not on every request. The session keeps its person's roles from
    one renewal to the next (clinic.auth)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return get_response(request)
        if time.time() - session.get(RENEWED_AT, 0) >= RENEW_AFTER_SECONDS:
            session.pop(SESSION_ROLES, None)  # read again, and kept until the next renewal
        with kept_in(session):
            response = get_response(request)
        session = request.session  # signing in or out makes a new one
        if session.session_key and not session.is_empty():
            now = time.time()
            if now - session.get(RENEWED_AT, 0) >= RENEW_AFTER_SECONDS:
                session[RENEWED_AT] = now
        return response

    return middleware
