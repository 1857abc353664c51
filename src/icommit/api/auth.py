"""API authentication: a personal bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from icommit.accounts.tokens import token_authenticate
from icommit.core.exceptions import Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        if found.scope == "read" and request.method not in SAFE_METHODS:
            raise Forbidden("This token may only read.", code="token_read_only")
        request.user = found.user
        return found
