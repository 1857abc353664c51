"""PDF documents from the same templates and stylesheet as the pages (WeasyPrint).

Invariant: rendering never touches the network; only the project's own static files can be
fetched (the stylesheet, fonts, images), anything else is refused.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_PREFIX = "static:///"


def static_file(url: str) -> Path:
    """The project's static file behind a ``static:///`` URL; ValueError for anything else."""
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"PDF rendering may not fetch {url!r}")
    found = finders.find(url.removeprefix(STATIC_PREFIX).split("?")[0])
    if not found:
        raise ValueError(f"no static file {url!r}")
    return Path(found if isinstance(found, str) else found[0])


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return StaticOnlyFetcher(allowed_protocols=["static"], fail_on_errors=True)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template (which should extend ``core/pdf_base.html``) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "STATIC_PREFIX": STATIC_PREFIX})
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf
