"""Personal API tokens: ``icm_<prefix>_<secret>``; only a SHA-256 hash of the whole is stored."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.accounts.models import ApiToken, User
from icommit.core import audit
from icommit.core.exceptions import Conflict, NotFound, ValidationFailed

MAX_DAYS = 90


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: User, name: str, days: int = 30, scope: str = "read"
) -> tuple[ApiToken, str]:
    """Create a token for the actor; the clear token is returned once and never stored."""
    if not name.strip():
        raise ValidationFailed.field("name", _("Give the token a name."))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed.field("days", _("A token lives between 1 and 90 days."))
    if scope not in ApiToken.Scope.values:
        raise ValidationFailed.field("scope", _("Choose read, or read and write."))
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    clear = f"icm_{prefix}_{secret}"
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        prefix=prefix,
        token_hash=_hash(clear),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action="account.token_create",
        obj=token,
        changes={"scope": scope, "days": days},
    )
    return token, clear


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens."""
    if token.user_id != actor.pk:
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="account.token_revoke", obj=token)
    return token


def token_authenticate(clear: str) -> ApiToken | None:
    """The usable token for a presented value, or None (constant-time comparison)."""
    parts = clear.split("_", 2)
    if len(parts) != 3 or parts[0] != "icm":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.token_hash, _hash(clear)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    if token.last_used_at is None or timezone.now() - token.last_used_at > datetime.timedelta(
        minutes=5
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
