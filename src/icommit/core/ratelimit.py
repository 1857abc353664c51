"""A fixed-window counter per client address, kept in the cache that all worker processes of
the host share (settings.CACHES): for public forms and APIs that must not be flooded.

The address is stored only as a keyed hash, and only for the window's length."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def count_in_window(
    purpose: str, client: str | None, seconds: int, *, now: float | None = None
) -> int:
    """Count one request of ``purpose`` from ``client`` in the current window of ``seconds``
    and return how many there were in it, this one included."""
    window = int((now if now is not None else time.time()) // seconds)
    digest = hashlib.sha256(f"{client or 'unknown'}|{settings.SECRET_KEY}".encode()).hexdigest()
    key = f"{purpose}.{window}.{digest[:32]}"
    cache.add(key, 0, seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1
