"""Writes around people in training: external learners register, a trainer approves or declines
them, an approved learner activates the account with the link of the approval mail by choosing a
password; and the per-address limit on registration.

Invariants: registering answers the same whether or not the e-mail address has an account (an
existing address gets nothing new); registration takes no password (the account has none that
works), so whoever sent it holds nothing; the account stays inactive until a trainer approved it
and the owner of the address followed the link sent there and chose the password, both in one
transaction; each link works once (it is bound to the account's state) and for
``ACTIVATION_DAYS``. A registration nobody activated is withdrawn when someone adds its address
to an organisation (``learner_registration_withdraw``, asked by accounts).
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.accounts.services import user_password_recorded
from icommit.core import audit
from icommit.core.emails import clean_email
from icommit.core.exceptions import Conflict, IcommitError, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.core.outbox import mail_enqueue
from icommit.core.ratelimit import count_in_window
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
    consent: bool,
    note: str = "",
    language: str = "",
) -> LearnerAccount | None:
    """Register an external learner: an inactive account without a usable password, which a
    trainer approves. Returns None when the address already has an account (nothing is created
    or sent; the caller answers the same as for a new registration)."""
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
    if problems:
        raise ValidationFailed(_("Some fields need correcting."), details=problems)
    if User.objects.filter(email__iexact=address).exists():
        return None
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            # no password: the owner of the address chooses it with the approval mail's link
            user = User.objects.create_user(
                email=address,
                password=None,
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
    count = count_in_window("training.register", client, REGISTER_WINDOW_SECONDS, now=now)
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
            _(
                "Choose your password and activate your account with this link (it works once, "
                "for %(days)d days):\n%(link)s"
            )
            % {"days": ACTIVATION_DAYS, "link": activation_link(user)},
            _("Then sign in with your e-mail address and that password."),
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
    #: the link is good: the page asks for the password
    READY = "ready"
    #: the link is genuine but old (the page offers to send a new one)
    EXPIRED = "expired"
    ACTIVATED = "activated"
    #: the link was genuine but old: a new one went to the account's address
    RESENT = "resent"
    INVALID = "invalid"


def _activation_target(token: str, *, lock: bool) -> tuple[LearnerAccount | None, bool]:
    """The approved, never activated registration a genuine link names (None for any other
    link), and whether the link has expired."""
    expired = False
    try:
        data = signing.loads(token, salt=_SALT, max_age=ACTIVATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        expired = True
        try:
            data = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            return None, False
    except signing.BadSignature:
        return None, False
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None, False
    accounts = LearnerAccount.objects.select_related("user").filter(user_id=data["u"])
    account = (accounts.select_for_update() if lock else accounts).first()
    if account is None or account.approved_at is None or account.declined_at is not None:
        return None, False
    user = account.user
    if user.is_active or user.last_login is not None:
        return None, False  # used already, or deactivated later: never reopened by a link
    if not constant_time_compare(str(data.get("s", "")), _state(user)):
        return None, False
    return account, expired


def learner_activation_check(*, token: str) -> Activation:
    """Say what the link of the approval mail would do (READY, EXPIRED or INVALID), changing
    nothing: a mail scanner that opens the link neither activates nor resends."""
    account, expired = _activation_target(token, lock=False)
    if account is None:
        return Activation.INVALID
    return Activation.EXPIRED if expired else Activation.READY


@transaction.atomic
def learner_activate(*, token: str, password: str = "", password_again: str = "") -> Activation:
    """Activate an approved learner's account with the link of the approval mail: the owner of
    the address chooses the password, which is set together with the activation. A genuine link
    that has expired sends a new one to the account's own address (the password is not used).
    A password the validators refuse, or two that differ, raise ValidationFailed naming the
    field, and nothing changes."""
    account, expired = _activation_target(token, lock=True)
    if account is None:
        return Activation.INVALID
    user = account.user
    if expired:
        _approval_mail(user)
        return Activation.RESENT
    problems: dict[str, list[str]] = {}
    if not password:
        problems["password"] = [_("Choose a password.")]
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            problems["password"] = list(exc.messages)
    if password != (password_again or ""):
        problems["password_again"] = [_("The two passwords differ.")]
    if problems:
        raise ValidationFailed(_("Some fields need correcting."), details=problems)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit.record(actor=user, action="training.learner.activated", obj=account)
    user_password_recorded(user=user, via="link")
    forget(user)
    return Activation.ACTIVATED


@transaction.atomic
def learner_registration_withdraw(*, actor: User | None, user: User) -> bool:
    """Withdraw the registration behind an account its owner never activated (accounts asks
    before it hands an existing address on): the registration goes, with its audit event, and
    True is returned; False for any other account, which stays as it is."""
    account = LearnerAccount.objects.select_for_update().filter(user_id=user.pk).first()
    if account is None or user.is_active or user.last_login is not None:
        return False
    object_type, object_id = audit.object_label(account)
    activated = AuditEvent.objects.filter(
        action="training.learner.activated", object_type=object_type, object_id=object_id
    ).exists()
    if activated:  # activated once and deactivated later: an administrator's decision stands
        return False
    if account.approved_at is not None:
        state = "approved"
    else:
        state = "declined" if account.declined_at is not None else "pending"
    audit.record(
        actor=actor, action="training.learner.withdrawn", obj=account, changes={"state": state}
    )
    account.delete()
    forget(user)
    return True
