"""Two-factor authentication: TOTP devices with one-time recovery codes (django-otp).

Invariant: a user has at most one confirmed TOTP device; a code that was accepted once is never
accepted again (django-otp keeps the last time step used; recovery codes are deleted on use).
"""

from __future__ import annotations

import secrets

import segno
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.accounts.services import user_end_sessions
from icommit.core import audit
from icommit.core.exceptions import Forbidden
from icommit.core.outbox import mail_enqueue

RECOVERY_CODES = 10


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first call, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice, label: str) -> SafeString:
    """The provisioning URI as an inline SVG QR code, rendered on the server."""
    qr = segno.make(device.config_url.replace("Authenticator", "icommit", 1), error="m")
    svg: str = qr.svg_inline(scale=5, dark="#000", light="#fff", title=label)
    # segno draws only the QR modules and escapes the title; nothing a user typed is in it.
    return mark_safe(svg)


def secret_base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def mfa_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app; return fresh recovery codes, or None."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    codes = recovery_codes_renew(user=user)
    audit.record(actor=user, action="account.mfa_enrol", obj=user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [
        f"{secrets.randbelow(10**5):05d}-{secrets.randbelow(10**5):05d}"
        for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit.record(actor=user, action="account.recovery_codes", obj=user)
    return codes


def throttled(user: User) -> bool:
    """Whether wrong codes have paused verification for a moment (django-otp's throttling)."""
    device = confirmed_device(user)
    return device is not None and not device.verify_is_allowed()[0]


def mfa_verify(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Check a TOTP or recovery code; the matching device, or None."""
    code = code.strip().replace(" ", "")
    if not code:
        return None
    device = confirmed_device(user)
    if code.isdigit() and len(code) <= 8:
        if device is not None and device.verify_token(code):
            return device
        return None
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is not None and static.verify_token(code):
        return static
    return None


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> None:
    """Remove a user's second factor (administrators); they must enrol again at next login."""
    from django.utils.translation import gettext as _

    if not facts_for(actor).is_admin:
        raise Forbidden()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_end_sessions(actor=actor, user=user, reason="mfa_reset")
    audit.record(actor=actor, action="account.mfa_reset", obj=user)
    mail_enqueue(
        to=user.email,
        subject=_("Your two-factor authentication was reset"),
        body=_(
            "A platform administrator reset the two-factor authentication of your icommit "
            "account. At your next login you will set it up again. If you did not ask for "
            "this, tell your organisation's administrator at once."
        ),
    )
