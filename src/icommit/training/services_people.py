"""Writes around people in training: external learners register, a trainer approves or declines
them, an approved learner activates the account with the link of the approval mail; and the
per-address limit on registration.

Invariants: registering answers the same whether or not the e-mail address has an account (an
existing address gets nothing new, and its request costs the same password hashing); a
registered account stays inactive until a trainer approved it and its owner followed the link
sent to the address, so nobody holds an account under an address they cannot read; each link
works once (it is bound to the account's state) and for ``ACTIVATION_DAYS``.
"""

from __future__ import annotations

import enum
import hashlib
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.emails import clean_email
from icommit.core.exceptions import Conflict, IcommitError, ValidationFailed
from icommit.core.outbox import mail_enqueue
from icommit.core.text import SHORT, TITLE, clean
from icommit.stakeholders.sectors import Sector, defaults_for
from icommit.training.models import LearnerAccount

#: Registrations one client address may send in one window.
REGISTER_LIMIT = 10
REGISTER_WINDOW_SECONDS = 3600
#: How long the activation link of the approval mail works.
ACTIVATION_DAYS = 7
_SALT = "icommit.training.learner-activation"
#: ``User.full_name``'s length
_NAME_LENGTH = 150


class TooManyRegistrations(IcommitError):
    """Too many registrations from one address."""

    code = "rate_limited"
    status = 429


def learner_sectors() -> list[tuple[str, str]]:
    """The sectors an external learner chooses from: the non-security ones, as (value, label)."""
    return [(s.value, str(s.label)) for s in Sector if not defaults_for(s.value).is_security]


# --- registration ------------------------------------------------------------------------------


def _text(value: str, field: str, max_length: int, *, required: bool, multiline: bool) -> str:
    cleaned = clean(value or "", field=field, max_length=max_length, multiline=multiline).strip()
    if required and not cleaned:
        raise ValidationFailed.field(field, _("This field is required."))
    return cleaned


@transaction.atomic
def learner_register(
    *,
    full_name: str,
    email: str,
    organisation: str,
    sector: str,
    password: str,
    password_again: str,
    consent: bool,
    note: str = "",
    language: str = "",
) -> LearnerAccount | None:
    """Register an external learner: an inactive account a trainer approves. Returns None when
    the address already has an account (nothing is created or sent; the caller answers the
    same as for a new registration)."""
    problems: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for field, value, limit, required, multiline in (
        ("full_name", full_name, _NAME_LENGTH, True, False),
        ("organisation", organisation, TITLE, True, False),
        ("note", note, SHORT, False, True),
    ):
        try:
            values[field] = _text(value, field, limit, required=required, multiline=multiline)
        except ValidationFailed as exc:
            problems.update(exc.details)
    try:
        address = clean_email(email or "")
    except ValidationFailed as exc:
        problems.update(exc.details)
        address = ""
    if sector not in dict(learner_sectors()):
        problems["sector"] = [_("Choose the sector you work in (a non-security sector).")]
    if not consent:
        problems["consent"] = [
            _("Agree to how your training data are used, or the registration cannot go on.")
        ]
    candidate = User(email=address, full_name=values.get("full_name", ""))
    try:
        validate_password(password or "", candidate)
    except ValidationError as exc:
        problems["password"] = list(exc.messages)
    if (password or "") != (password_again or ""):
        problems["password_again"] = [_("The two passwords differ.")]
    if problems:
        raise ValidationFailed(_("Some fields need correcting."), details=problems)
    if User.objects.filter(email__iexact=address).exists():
        make_password(password)  # the same work as a new account: the answer's timing tells nothing
        return None
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=address,
                password=password,
                full_name=values["full_name"],
                is_active=False,
                language=language,
            )
    except IntegrityError:  # registered a moment ago by a request running alongside
        return None
    account = LearnerAccount.objects.create(
        user=user,
        organisation=values["organisation"],
        sector=sector,
        note=values["note"],
    )
    audit.record(
        actor=user,
        action="training.learner.registered",
        obj=account,
        changes={"email": address, "organisation": values["organisation"], "sector": sector},
    )
    return account


def registration_count(client: str | None, *, now: float | None = None) -> int:
    """Count one registration from ``client`` (an address) in the current fixed window; raise
    TooManyRegistrations past REGISTER_LIMIT. Nothing else about the request is kept."""
    window = int((now if now is not None else time.time()) // REGISTER_WINDOW_SECONDS)
    digest = hashlib.sha256(f"{client or 'unknown'}|{settings.SECRET_KEY}".encode()).hexdigest()
    key = f"training.register.{window}.{digest[:32]}"
    cache.add(key, 0, REGISTER_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, REGISTER_WINDOW_SECONDS)
        count = 1
    if count > REGISTER_LIMIT:
        raise TooManyRegistrations(
            _(
                "Too many registrations from your address: at most %(limit)d in an hour. "
                "Please try again later."
            )
            % {"limit": REGISTER_LIMIT}
        )
    return count


# --- approval and activation -------------------------------------------------------------------


def _state(user: User) -> str:
    """What the link is bound to: once the account is active (or its password, its sessions or
    its last sign-in changed), the link no longer works."""
    login = user.last_login.isoformat() if user.last_login else ""
    value = f"{user.pk}|{user.password}|{user.is_active}|{user.session_epoch}|{login}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def activation_link(user: User) -> str:
    """The one-time link that activates an approved learner's account."""
    token = signing.dumps({"u": user.pk, "s": _state(user)}, salt=_SALT, compress=True)
    path = reverse("training:activate", kwargs={"token": token})
    return f"{settings.BASE_URL.rstrip('/')}{path}"


def _mail(user: User, subject: str, paragraphs: list[str]) -> None:
    mail_enqueue(to=user.email, subject=subject, body="\n\n".join(paragraphs))


def _approval_mail(user: User) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        paragraphs = [
            _("A trainer approved your registration for the training on icommit."),
            _("Activate your account with this link (it works once, for %(days)d days):\n%(link)s")
            % {"days": ACTIVATION_DAYS, "link": activation_link(user)},
            _("Then sign in with your e-mail address and the password you chose."),
        ]
        if settings.MFA_REQUIRED:
            paragraphs.append(
                _(
                    "At your first sign-in you set up a second factor: an authenticator app "
                    "on your phone."
                )
            )
        _mail(user, _("Your training account on icommit is approved"), paragraphs)


def _locked(account: LearnerAccount) -> LearnerAccount:
    found = (
        LearnerAccount.objects.select_for_update()
        .select_related("user")
        .filter(pk=account.pk)
        .first()
    )
    if found is None:
        raise Conflict(_("This registration no longer exists."))
    if found.approved_at is not None or found.declined_at is not None:
        raise Conflict(_("This registration was already decided."))
    return found


@transaction.atomic
def learner_approve(*, actor: User, account: LearnerAccount) -> LearnerAccount:
    """Approve an external learner: the approval mail carries the link that activates the
    account."""
    require(actor, Action.TRAINING_LEARNERS_APPROVE)
    account = _locked(account)
    account.approved_at, account.approved_by = timezone.now(), actor
    account.save(update_fields=["approved_at", "approved_by"])
    audit.record(actor=actor, action="training.learner.approved", obj=account)
    _approval_mail(account.user)
    return account


@transaction.atomic
def learner_decline(*, actor: User, account: LearnerAccount) -> LearnerAccount:
    """Decline an external learner: the account stays inactive, and they are told by mail."""
    require(actor, Action.TRAINING_LEARNERS_APPROVE)
    account = _locked(account)
    account.declined_at = timezone.now()
    account.save(update_fields=["declined_at"])
    audit.record(actor=actor, action="training.learner.declined", obj=account)
    user = account.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        _mail(
            user,
            _("Your registration for the training on icommit"),
            [
                _("A trainer declined your registration for the training on icommit."),
                _(
                    "If you think this is a mistake, please contact the organisers of the course "
                    "you wanted to join."
                ),
            ],
        )
    return account


class Activation(enum.StrEnum):
    ACTIVATED = "activated"
    #: the link was genuine but old: a new one went to the account's address
    RESENT = "resent"
    INVALID = "invalid"


@transaction.atomic
def learner_activate(*, token: str) -> Activation:
    """Activate an approved learner's account with the link of the approval mail. A genuine
    link that has expired sends a new one to the account's own address."""
    expired = False
    try:
        data = signing.loads(token, salt=_SALT, max_age=ACTIVATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        expired = True
        try:
            data = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            return Activation.INVALID
    except signing.BadSignature:
        return Activation.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return Activation.INVALID
    account = (
        LearnerAccount.objects.select_for_update()
        .select_related("user")
        .filter(user_id=data["u"])
        .first()
    )
    if account is None or account.approved_at is None or account.declined_at is not None:
        return Activation.INVALID
    user = account.user
    if user.is_active or user.last_login is not None:
        return Activation.INVALID  # used already, or deactivated later: never reopened by a link
    if not constant_time_compare(str(data.get("s", "")), _state(user)):
        return Activation.INVALID
    if expired:
        _approval_mail(user)
        return Activation.RESENT
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(actor=user, action="training.learner.activated", obj=account)
    forget(user)
    return Activation.ACTIVATED
