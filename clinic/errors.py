"""The error pages, and the requests refused before any view reads them.

None of these reads the request's body: a body that could not be parsed once (a charset
other than UTF-8, a NUL byte) must not be parsed again to show the error. A refusal
(403) is written to the audit trail.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string

from clinic import audit

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(render_to_string("400.html"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    audit.record(request, "deny", detail=str(exception or "")[:200] or "refused")
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that is too old (or from another site): nothing is saved."""
    audit.record(request, "deny", detail=f"form refused: {reason}"[:200])
    return render(request, "403_csrf.html", status=403)


def malformed(request: HttpRequest) -> str | None:
    """Why the request cannot be taken as it is, or None.

    A NUL byte in the address or a form field (PostgreSQL stores no NUL in text), and a
    form sent in another charset than UTF-8.
    """
    if "\x00" in request.path:
        return "NUL in the path"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return "NUL in the query"
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(FORM_TYPES):
        charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
        if charset.replace("_", "-") not in ("utf-8", "utf8"):
            return f"form charset {charset[:20]}"
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return "NUL in a form field"
    return None


def refuse_malformed(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        if malformed(request) is not None:
            return bad_request(request)
        return get_response(request)

    return middleware
