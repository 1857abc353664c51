"""PDF documents from the same templates and stylesheet as the pages (WeasyPrint).

Invariants: rendering never touches the network (only the project's own static files can be
fetched, anything else is refused); a document stops at PDF_TIME_LIMIT_SECONDS and is refused,
with nothing written, when it has more than PDF_MAX_PAGES pages. PDFs render in background
jobs only (``core.jobs``), never inside a web request.
"""

from __future__ import annotations

import mimetypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icommit.core.exceptions import Conflict

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


class _Expired(BaseException):
    """Raised by the alarm. A BaseException so that no ``except Exception`` inside WeasyPrint
    swallows it; ``time_limit`` turns it into a Conflict at its own boundary."""


#: How often an expired time limit is raised again if the first one was swallowed.
_REPEAT_SECONDS = 0.05


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the block with a Conflict once it has run ``seconds`` (SIGALRM, main thread only).

    A task worker of the cluster runs its task in its main thread, where this holds. An
    enclosing alarm (the cluster's own task timeout) is kept: when it is due sooner this limit
    is not set, otherwise it is re-armed with its remaining time afterwards. Elsewhere (a
    thread of the development server or the browser tests, running tasks inline) there is no
    signal to use, and only the cluster's task timeout bounds the work.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= seconds:
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise _Expired()

    outer_handler = signal.signal(signal.SIGALRM, expired)
    started = time.monotonic()
    # The alarm repeats: an expiry that lands where Python swallows exceptions (a garbage
    # collector callback, a C library's callback) is raised again at the next tick.
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
    try:
        yield
    except _Expired:
        raise Conflict(
            ngettext(
                "The PDF took longer than %(limit)s second to prepare and was stopped.",
                "The PDF took longer than %(limit)s seconds to prepare and was stopped.",
                round(seconds),
            )
            % {"limit": f"{seconds:g}"},
            code="pdf_time_limit",
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if outer_handler is None else outer_handler)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template (which should extend ``core/pdf_base.html``) to PDF bytes, within the
    time and page limits; Conflict, and no bytes, when a limit is reached."""
    from weasyprint import HTML

    max_pages: int = settings.PDF_MAX_PAGES
    with time_limit(settings.PDF_TIME_LIMIT_SECONDS):
        html = render_to_string(template, {**context, "STATIC_PREFIX": STATIC_PREFIX})
        document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_fetcher()).render()
        if len(document.pages) > max_pages:
            raise Conflict(
                _(
                    "The PDF would have %(pages)d pages, more than the limit of %(limit)d; "
                    "nothing was written. Narrow it down (a filter, fewer entries) and try again."
                )
                % {"pages": len(document.pages), "limit": max_pages},
                code="pdf_page_limit",
            )
        pdf: bytes = document.write_pdf()
    return pdf
