"""API authentication: a personal bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from icommit.api.registry import check_token
from icommit.core.exceptions import Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = check_token(token)
        if found is None:
            # A client that sends a bearer token means to use it: a wrong one is a 401 here,
            # not a fall-through to the session check (whose CSRF refusal would be a 403).
            raise AuthenticationError()
        if found.scope == "read" and request.method not in SAFE_METHODS:
            raise Forbidden("This token may only read.", code="token_read_only")
        request.user = found.user
        return found
