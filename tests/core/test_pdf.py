"""PDFs are real documents, rendered from templates without any network access, within a time
limit and a page limit."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import threading
import time

import pytest

import icommit.core.pdf
from icommit.core.exceptions import Conflict
from icommit.core.pdf import render_pdf, static_file, time_limit


def test_a_pdf_is_rendered_from_a_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = render_pdf("core/pdf_base.html", {})
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "a.pdf").write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "icommit" in text


def test_rendering_refuses_to_fetch_anything_but_static_files() -> None:
    with pytest.raises(ValueError, match="may not fetch"):
        static_file("https://example.org/tracker.png")
    assert static_file("static:///icommit/icommit.css").read_bytes().startswith(b"/*")


def _pages(n: int) -> str:
    """HTML with n pages (each block breaks to a new page)."""
    return "".join('<div style="break-after: page">page</div>' for _ in range(n - 1)) + "<p>end</p>"


def test_a_pdf_with_more_pages_than_the_limit_is_refused(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(icommit.core.pdf, "render_to_string", lambda *a, **k: _pages(4))
    settings.PDF_MAX_PAGES = 4
    assert render_pdf("any.html", {}).startswith(b"%PDF-")
    settings.PDF_MAX_PAGES = 3
    with pytest.raises(Conflict, match="would have 4 pages, more than the limit of 3") as refused:
        render_pdf("any.html", {})
    assert refused.value.code == "pdf_page_limit"


def test_a_pdf_that_takes_longer_than_the_time_limit_is_stopped(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(icommit.core.pdf, "render_to_string", lambda *a, **k: _pages(40))
    settings.PDF_TIME_LIMIT_SECONDS = 0.001
    started = time.monotonic()
    with pytest.raises(Conflict, match=r"took longer than 0\.001 seconds") as stopped:
        render_pdf("any.html", {})
    assert stopped.value.code == "pdf_time_limit"
    assert time.monotonic() - started < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nothing left armed


def _busy_under_a_catch_all() -> None:
    """About two seconds of work that, like parts of a library, catches every Exception."""
    for _ in range(2000):
        with contextlib.suppress(Exception):
            time.sleep(0.001)


def test_the_time_limit_cannot_be_swallowed_by_a_catch_all_inside_the_renderer() -> None:
    started = time.monotonic()
    with pytest.raises(Conflict, match="took longer"), time_limit(0.01):
        _busy_under_a_catch_all()
    assert time.monotonic() - started < 1


def test_the_time_limit_keeps_an_enclosing_alarm_such_as_the_task_timeout() -> None:
    fired: list[int] = []
    outer = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limit(5):
            pass
        left, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 29 < left <= 30  # re-armed with what remained
        assert signal.getsignal(signal.SIGALRM) is not outer
        # an enclosing alarm due sooner than the limit is left alone and fires as its own
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        with time_limit(5):
            time.sleep(0.05)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer)


def test_outside_the_main_thread_the_block_runs_without_a_signal() -> None:
    done: list[bool] = []

    def work() -> None:
        with time_limit(0.001):
            time.sleep(0.01)
        done.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert done == [True]


def _sleep_swallowing_the_first_interruption() -> None:
    with contextlib.suppress(BaseException):
        time.sleep(1)
    time.sleep(1)


def test_an_expiry_that_is_swallowed_once_is_raised_again() -> None:
    # Where Python ignores an exception (a garbage collector callback, a C callback) the first
    # alarm can be lost; the limit must still stop the work.
    started = time.monotonic()
    with pytest.raises(Conflict, match="took longer"), time_limit(0.01):
        _sleep_swallowing_the_first_interruption()
    assert time.monotonic() - started < 0.5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
