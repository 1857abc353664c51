"""What apps plug into the API: their routers and the bearer-token check, from their ``plugin``.

The api kit knows no app (decision 0011): ``api.main`` mounts whatever is registered here, in
the order the apps were installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: (prefix under /api/v1/, "module.router") in registration order.
ROUTERS: list[tuple[str, str]] = []

#: token -> the token row (with ``user`` and ``scope``) or None; set by the accounts app.
_token_check: list[Callable[[str], Any]] = []


def router(prefix: str, path: str) -> None:
    """Mount the router at ``path`` ("module.attribute") under ``prefix``; once per app."""
    if (prefix, path) not in ROUTERS:
        ROUTERS.append((prefix, path))


def token_check(check: Callable[[str], Any]) -> None:
    """Name the function that turns a bearer token into its token row (or None)."""
    _token_check[:] = [check]


def check_token(token: str) -> Any:
    """The token row for a bearer token, or None; refuses every token until one is set."""
    return _token_check[0](token) if _token_check else None
