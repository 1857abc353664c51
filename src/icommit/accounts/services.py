"""Writes on accounts: creating people, granting platform roles, language.

Invariant: ``user_get_or_create`` never hands on an account that a self-registration created and
its address's owner never activated; such an account starts afresh, with no usable password and
the set-password mail, as if it were new (apps with self-registration say which accounts those
are through ``self_registration``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for, forget
from icommit.access.roles import PlatformRole
from icommit.accounts.models import ApiToken, PlatformRoleGrant, User
from icommit.core import audit
from icommit.core.emails import clean_email
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.outbox import mail_enqueue


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})
    return f"{settings.BASE_URL}{path}"


#: Takes ``actor`` and ``user`` (an inactive account nobody ever signed in with); if the app
#: created it by a self-registration its owner never activated, withdraws that registration
#: (with its audit event) and returns True; else changes nothing and returns False.
SelfRegistrationRelease = Callable[..., bool]
_SELF_REGISTRATIONS: list[SelfRegistrationRelease] = []


def self_registration(release: SelfRegistrationRelease) -> None:
    """Tell accounts how to withdraw an app's never-activated self-registrations (from the
    app's ``plugin``), so that adding the address later never hands the account on."""
    if release not in _SELF_REGISTRATIONS:
        _SELF_REGISTRATIONS.append(release)


def _never_activated_self_registration(*, actor: User | None, user: User) -> bool:
    """Whether ``user`` was created by a self-registration nobody activated (it is withdrawn)."""
    if user.is_active or user.last_login is not None:
        return False
    return any(release(actor=actor, user=user) for release in _SELF_REGISTRATIONS)


def _welcome(user: User) -> None:
    mail_enqueue(
        to=user.email,
        subject=_("Your icommit account"),
        body=_("An account was created for you on icommit. Set your password here:\n%(link)s")
        % {"link": set_password_link(user)},
    )


@transaction.atomic
def user_get_or_create(*, actor: User | None, email: str, full_name: str) -> tuple[User, bool]:
    """Find a person by email or create their account and mail them a link to set a password."""
    email = clean_email(email)
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing and not _never_activated_self_registration(actor=actor, user=existing):
        return existing, False
    if not full_name.strip():
        raise ValidationFailed.field("full_name", _("Enter the person's full name."))
    if existing:
        # Whoever registered it may have been anyone: nothing they chose is kept (a password
        # set before the fix, the name, the language), and any link made for it stops working.
        existing.set_unusable_password()
        existing.full_name = full_name.strip()
        existing.language = User._meta.get_field("language").get_default()
        existing.is_active = True
        existing.session_epoch += 1
        existing.save(
            update_fields=["password", "full_name", "language", "is_active", "session_epoch"]
        )
        audit.record(actor=actor, action="user.restart", obj=existing, changes={"email": email})
        forget(existing)
        _welcome(existing)
        return existing, True
    user = User.objects.create_user(email=email, full_name=full_name.strip())
    audit.record(actor=actor, action="user.create", obj=user, changes={"email": email})
    _welcome(user)
    return user, True


@transaction.atomic
def user_password_recorded(*, user: User, via: str) -> None:
    """Audit that a person set their own password: ``link`` (the emailed link) or ``change``."""
    action = {"link": "account.password_set", "change": "account.password_change"}[via]
    audit.record(actor=user, action=action, obj=user)


@transaction.atomic
def platform_role_grant(*, actor: User | None, user: User, role: PlatformRole) -> PlatformRoleGrant:
    """Give a platform role (used by the command line and the demo; audited)."""
    grant, created = PlatformRoleGrant.objects.get_or_create(
        user=user, role=role.value, defaults={"granted_by": actor}
    )
    if created:
        audit.record(actor=actor, action="user.role_grant", obj=user, changes={"role": role.value})
    return grant


#: platform roles administrators grant and take back on the accounts page; the others are given
#: on the command line, where the operator answers for them
GRANTABLE_ROLES = (PlatformRole.TEAM_FOUNDER,)


@transaction.atomic
def user_role_set(*, actor: User, user: User, role: PlatformRole, held: bool) -> None:
    """Grant or take back a platform role an administrator manages (e.g. "may set up teams")."""
    require(actor, Action.USER_MANAGE)
    if role not in GRANTABLE_ROLES:
        raise ValidationFailed.field("role", _("This role is not granted on this page."))
    if held:
        platform_role_grant(actor=actor, user=user, role=role)
    else:
        removed, _rows = PlatformRoleGrant.objects.filter(user=user, role=role.value).delete()
        if removed:
            audit.record(
                actor=actor, action="user.role_revoke", obj=user, changes={"role": role.value}
            )
    forget(user)


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    """Remember the user's language."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed.field("language", _("Choose one of the offered languages."))
    if actor.language != language:
        old = actor.language
        actor.language = language
        actor.save(update_fields=["language"])
        audit.record(
            actor=actor, action="user.language", obj=actor, changes={"language": [old, language]}
        )


@transaction.atomic
def user_end_sessions(*, actor: User | None, user: User, reason: str) -> None:
    """End every session and revoke every API token of the user, at once."""
    from django.utils import timezone

    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="account.sessions_end", obj=user, purpose=reason)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate an account (administrators): sessions and tokens end, past work stays theirs."""
    if not facts_for(actor).is_admin:
        raise Forbidden()
    if user.pk == actor.pk:
        raise Conflict(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="user.deactivate", obj=user)
    user_end_sessions(actor=actor, user=user, reason="deactivated")
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Allow a deactivated account to log in again (administrators)."""
    if not facts_for(actor).is_admin:
        raise Forbidden()
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="user.reactivate", obj=user)
    return user
