"""Login lockout: an account from one address, an account from anywhere, an address trying many.

django-axes counts failures per (email, address) and locks that pair at ``AXES_FAILURE_LIMIT``,
so a stranger cannot lock a known person out from the person's own address. This handler adds
two slower limits over the same records: failures on one account from any address, and failures
from one address on any account. The lockout page names no account.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: Why a request is locked out, kept on the request for the audit record.
SCOPE_ATTRIBUTE = "icommit_lockout_scope"


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The email as login compares it (case-insensitively), so ``A@x`` and ``a@x`` count as one."""
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return str(raw or "").strip().lower()[:254]


def _failures_since(threshold: Any, **where: str) -> int:
    found = AccessAttempt.objects.filter(attempt_time__gte=threshold, **where).aggregate(
        n=Sum("failures_since_start")
    )
    return int(found["n"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a per-account and a per-address limit beside the pair limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        pair = int(super().get_failures(request, credentials))
        limit = get_failure_limit(request, credentials)
        if pair >= limit:
            setattr(request, SCOPE_ATTRIBUTE, "account_and_address")
            return pair
        threshold = get_cool_off_threshold(request)
        username = get_client_username(request, credentials)
        if (
            username
            and _failures_since(threshold, username=username)
            >= settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT
        ):
            setattr(request, SCOPE_ATTRIBUTE, "account")
            return limit
        address = getattr(request, "axes_ip_address", None)
        if (
            address
            and _failures_since(threshold, ip_address=address)
            >= settings.LOCKOUT_ADDRESS_FAILURE_LIMIT
        ):
            setattr(request, SCOPE_ATTRIBUTE, "address")
            return limit
        return pair


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The same page for every lockout, whatever was asked for: it names no account."""
    return render(request, "accounts/locked.html", status=settings.AXES_HTTP_RESPONSE_CODE)
