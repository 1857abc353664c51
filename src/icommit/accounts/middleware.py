"""Session rules: idle and absolute timeouts, and nothing but enrolment until MFA is verified.

Background polling (htmx GET requests) does not count as activity, so an open progress page
does not keep a session alive.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

AUTH_AT = "icommit_auth_at"
SEEN_AT = "icommit_seen_at"
REAUTH_AT = "icommit_reauth_at"

#: Paths a signed-in user without verified MFA may still reach.
MFA_EXEMPT = ("/accounts/mfa/", "/accounts/logout/", "/static/", "/healthz", "/language/")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_polling(request: HttpRequest) -> bool:
    return request.method == "GET" and request.headers.get("HX-Request") == "true"


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._check_timeouts(request)
            if ended is not None:
                return ended
            blocked = self._check_mfa(request)
            if blocked is not None:
                return blocked
        return self.get_response(request)

    def _check_timeouts(self, request: HttpRequest) -> HttpResponse | None:
        now = time.time()
        session = request.session
        auth_at = session.get(AUTH_AT)
        if auth_at is None:
            session[AUTH_AT] = session[SEEN_AT] = now
            return None
        seen_at = session.get(SEEN_AT, auth_at)
        if (
            now - auth_at > settings.SESSION_MAX_SECONDS
            or now - seen_at > settings.SESSION_IDLE_SECONDS
        ):
            logout(request)
            if _is_api(request):
                return JsonResponse(
                    {
                        "code": "session_expired",
                        "message": "The session has ended.",
                        "details": None,
                    },
                    status=401,
                )
            messages.info(
                request, _("Your session ended after a time without activity. Please log in again.")
            )
            return redirect(
                f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if not _is_polling(request) and now - seen_at > 30:
            session[SEEN_AT] = now
        return None

    def _check_mfa(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.MFA_REQUIRED or mfa_verified(request.user):
            return None
        if request.path.startswith(MFA_EXEMPT):
            return None
        if _is_api(request):
            return JsonResponse(
                {
                    "code": "mfa_required",
                    "message": "Verify your second factor first.",
                    "details": None,
                },
                status=401,
            )
        return redirect(f"{reverse('accounts:mfa')}?{urlencode({'next': request.get_full_path()})}")


def mfa_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this request's session passed a second factor (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def mark_login(request: HttpRequest) -> None:
    now = time.time()
    request.session[AUTH_AT] = request.session[SEEN_AT] = now


def mark_reauth(request: HttpRequest) -> None:
    request.session[REAUTH_AT] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_AT)
    return at is not None and time.time() - at <= settings.REAUTH_SECONDS
