"""The browser fixtures of the e2e suite (system Chromium, console errors, the demo banner) for
the phase pages' browser tests, which live with the phases tests."""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401  # fixtures, used by name
    browser,
    browser_errors,
    demo_banner,
    page,
    playwright,
)
