"""Render print HTML to PDF with WeasyPrint, reading only the app's own static files.

- `render_pdf(html, paper)` renders with `StaticOnlyFetcher`, which reads the app's own
  static files and `data:` URLs and refuses everything else (no `file:`, no network), so
  text typed into a plan can never pull a file or a remote resource into the PDF.
- The stylesheet and fonts live in `static/plans/` (not Bootstrap: WeasyPrint lays out a
  small stylesheet many times faster). They are parsed once per process.

Import this module only where a PDF is made (`plans.pdf.plan_pdf` does, inside the
function): importing WeasyPrint costs about half a second.
"""

from __future__ import annotations

import mimetypes
import posixpath
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Relative URLs in the print templates resolve against this made-up origin; the fetcher
#: serves only its /static/ paths, from the app's own static files.
APP_ORIGIN = "https://clinic-app.invalid"
STATIC_PREFIX = "/" + settings.STATIC_URL.strip("/") + "/"
STYLESHEET = "plans/print.css"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serve the app's static files and data: URLs to WeasyPrint; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise RefusedURL(f"refused: {url[:80]}")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


def static_path(url: str) -> Path | None:
    """The file under the app's static files that `url` names, or None if it names none."""
    parts = urlsplit(url)
    if parts.scheme != "https" or f"https://{parts.netloc}" != APP_ORIGIN:
        return None
    path = unquote(parts.path)
    if not path.startswith(STATIC_PREFIX) or parts.query:
        return None
    relative = path.removeprefix(STATIC_PREFIX)
    if posixpath.normpath(relative) != relative or relative.startswith(("/", "..")):
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The print stylesheet with its fonts, parsed once per process."""
    fonts = FontConfiguration()
    css = CSS(
        url=f"{APP_ORIGIN}{STATIC_PREFIX}{STYLESHEET}",
        url_fetcher=StaticOnlyFetcher(),
        font_config=fonts,
    )
    return css, fonts


def render_pdf(html: str, paper: str) -> bytes:
    css, fonts = _stylesheet()
    page = CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", font_config=fonts)
    document = HTML(string=html, base_url=APP_ORIGIN + "/", url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=[css, page], font_config=fonts)
