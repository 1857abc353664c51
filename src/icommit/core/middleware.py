"""Security headers for every response, and platform errors turned into the right error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from icommit.core import crypto
from icommit.core.exceptions import Forbidden, NotFound


class SecurityHeadersMiddleware:
    """No authenticated page is stored by a browser or proxy; logout clears the site's data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, exception, template_name="404.html")
        if isinstance(exception, Forbidden):
            return defaults.permission_denied(request, exception, template_name="403.html")
        return None


class KeyCacheMiddleware:
    """Unwrap each data subject's key at most once per request.

    A page that lists many values of one client (a case's sharing ledger, its consents) would
    otherwise read and unwrap the same key for every value. The cache lives only for the
    request (``crypto.key_cache``), so a key destroyed meanwhile is never served afterwards.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with crypto.key_cache():
            return self.get_response(request)
