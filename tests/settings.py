"""Test settings: the real settings in development mode, a cheap hasher, a private data folder."""

import os
import tempfile

os.environ.setdefault("ICOMMIT_DEV", "1")
os.environ.setdefault("ICOMMIT_FAST_HASHER", "1")
os.environ.setdefault("ICOMMIT_DATA_DIR", tempfile.mkdtemp(prefix="icommit-test-"))

from icommit.settings import *  # noqa: F403 (test settings extend the one settings module)

Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405 (tasks run inline in tests)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A test-only app with the smallest shared item (tests/sharing/test_kernel.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sharedtestapp"]  # noqa: F405

# xdist workers inherit the controller's ICOMMIT_DATA_DIR: each keeps its own cache, or one
# worker's cache.clear() and counts reach into another's rate-limit tests.
CACHES = {
    "default": {
        **CACHES["default"],  # noqa: F405
        "LOCATION": str(DATA_DIR / "cache" / os.environ.get("PYTEST_XDIST_WORKER", "main")),  # noqa: F405
    }
}
