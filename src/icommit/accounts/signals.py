"""Authentication events go to the audit log: logins, failed logins, lockouts, logouts."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from icommit.accounts.lockout import SCOPE_ATTRIBUTE
from icommit.accounts.middleware import mark_login
from icommit.accounts.models import User
from icommit.core import audit


def on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_login(request)
    with transaction.atomic():
        audit.record(actor=user, action="account.login", obj=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="account.login_failed",
            changes={"email": str(credentials.get("username", ""))[:254]},
        )


def on_locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kw: Any
) -> None:
    # Which limit was reached (account from this address, account, address) helps tell a
    # targeted lock-out from a guessing run.
    scope = getattr(request, SCOPE_ATTRIBUTE, "") if request is not None else ""
    with transaction.atomic():
        audit.record(
            actor=None,
            action="account.locked",
            changes={"email": (username or "")[:254], "scope": scope},
        )


def on_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit.record(actor=user, action="account.logout", obj=user)
