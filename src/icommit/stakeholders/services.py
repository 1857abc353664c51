"""Writes on organisations, their memberships and role profiles.

Each checks access and writes its audit event in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access import Action, can, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.accounts.services import user_end_sessions
from icommit.core import audit
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.outbox import mail_enqueue
from icommit.core.services import snapshot, validate
from icommit.core.text import clean as clean_text
from icommit.core.text import normalise
from icommit.stakeholders.content import content
from icommit.stakeholders.models import (
    NOT_BINDING,
    Organisation,
    OrganisationMembership,
    RoleProfile,
    RoleProfileConfirmation,
    RoleProfileVersion,
    Secrecy,
)
from icommit.stakeholders.sectors import Sector, defaults_for

EDITABLE = ["name", "country", "city", "sector"]


def _clean_country(country: str) -> str:
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed.field("country", _("Enter a two-letter country code such as DE."))
    return country


@transaction.atomic
def organisation_create(
    *, actor: User, name: str, country: str, city: str, sector: str
) -> Organisation:
    """Create an organisation; its flags start from the sector's defaults."""
    require(actor, Action.ORGANISATION_CREATE)
    country = _clean_country(country)
    org = Organisation(name=name.strip(), country=country, city=city.strip(), sector=sector)
    validate(org, exclude=["is_security", "is_state"])
    flags = defaults_for(sector)
    org.is_security, org.is_state = flags.is_security, flags.is_state
    org.save()
    audit.record(
        actor=actor,
        action="organisation.create",
        obj=org,
        changes=snapshot(org, [*EDITABLE, "is_security", "is_state"]),
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, name: str, country: str, city: str, sector: str
) -> Organisation:
    """Change an organisation's name, place or sector (not its flags)."""
    require(actor, Action.ORGANISATION_EDIT, organisation)
    before = snapshot(organisation, EDITABLE)
    organisation.name, organisation.city = name.strip(), city.strip()
    organisation.country, organisation.sector = _clean_country(country), sector
    validate(organisation)
    changes = audit.diff(before, snapshot(organisation, EDITABLE))
    if changes:
        organisation.save(update_fields=EDITABLE)
        audit.record(actor=actor, action="organisation.update", obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_set_flags(
    *, actor: User, organisation: Organisation, is_security: bool, is_state: bool, reason: str
) -> Organisation:
    """Change the security or state flag; platform administrators only, with a reason."""
    require(actor, Action.ORGANISATION_SET_FLAGS, organisation)
    if not reason.strip():
        raise ValidationFailed.field("reason", _("Give a reason for changing the flags."))
    before = snapshot(organisation, ["is_security", "is_state"])
    organisation.is_security, organisation.is_state = is_security, is_state
    changes = audit.diff(before, snapshot(organisation, ["is_security", "is_state"]))
    if not changes:
        raise ValidationFailed(_("The flags are unchanged."))
    organisation.save(update_fields=["is_security", "is_state"])
    audit.record(
        actor=actor,
        action="organisation.set_flags",
        obj=organisation,
        changes={**changes, "reason": reason.strip()},
    )
    return organisation


@transaction.atomic
def organisation_archive(*, actor: User, organisation: Organisation) -> Organisation:
    """Archive an organisation: it stays on record but takes part in nothing new."""
    require(actor, Action.ORGANISATION_ARCHIVE, organisation)
    organisation.archived_at = timezone.now()
    organisation.save(update_fields=["archived_at"])
    audit.record(actor=actor, action="organisation.archive", obj=organisation)
    return organisation


def _open_membership(organisation: Organisation, user: User) -> OrganisationMembership | None:
    return OrganisationMembership.objects.filter(
        organisation=organisation, user=user, ended_at__isnull=True
    ).first()


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, user: User, is_org_admin: bool = False
) -> OrganisationMembership:
    """Add a person to an organisation; added by its administrator, the membership is confirmed."""
    appointing = is_org_admin and can(actor, Action.ORGANISATION_APPOINT_ADMIN, organisation)
    if not appointing:
        require(actor, Action.ORGANISATION_MANAGE_MEMBERS, organisation)
    now = timezone.now()
    membership = _open_membership(organisation, user)
    if membership and membership.is_confirmed and membership.is_org_admin == is_org_admin:
        raise Conflict(
            _("%(user)s already belongs to %(org)s.") % {"user": user, "org": organisation}
        )
    if membership is None:
        membership = OrganisationMembership(organisation=organisation, user=user, created_by=actor)
    membership.is_org_admin = is_org_admin or membership.is_org_admin
    membership.confirmed_at = membership.confirmed_at or now
    membership.confirmed_by = membership.confirmed_by or actor
    membership.save()
    notified = _tell_other_admins(actor=actor, membership=membership)
    audit.record(
        actor=actor,
        action="organisation.member_add",
        obj=membership,
        changes={
            "user": user.pk,
            "organisation": organisation.pk,
            "is_org_admin": membership.is_org_admin,
            "notified_admins": notified,
        },
    )
    forget(user)
    return membership


def _tell_other_admins(*, actor: User, membership: OrganisationMembership) -> list[int]:
    """Mail the organisation's other administrators who was added and by whom; their ids.

    An administrator who adds a person confirms the membership at once, so the others must be
    able to see, and end, a membership they do not recognise (issue 9: a puppet account).
    """
    organisation, person = membership.organisation, membership.user
    admins = (
        User.objects.filter(
            org_memberships__in=OrganisationMembership.objects.active().filter(
                organisation=organisation, is_org_admin=True
            )
        )
        .exclude(pk__in=[actor.pk, person.pk])
        .distinct()
        .order_by("pk")
    )
    link = settings.BASE_URL + reverse("stakeholders:detail", args=[organisation.pk])
    values = {
        "actor": f"{actor.full_name} <{actor.email}>",
        "person": f"{person.full_name} <{person.email}>",
        "org": organisation.name,
        "link": link,
    }
    notified = []
    for admin in admins:
        with translation.override(admin.language or settings.LANGUAGE_CODE):
            subject = _("%(org)s: a person was added") % values
            if membership.is_org_admin:
                body = _(
                    "%(actor)s added %(person)s to %(org)s on icommit as an organisation "
                    "administrator.\n\nIf you do not know this person, end the membership on "
                    "the organisation's page:\n%(link)s"
                )
            else:
                body = _(
                    "%(actor)s added %(person)s to %(org)s on icommit.\n\nIf you do not know "
                    "this person, end the membership on the organisation's page:\n%(link)s"
                )
            mail_enqueue(to=admin.email, subject=subject, body=body % values)
        notified.append(admin.pk)
    return notified


@transaction.atomic
def membership_request(*, actor: User, organisation: Organisation) -> OrganisationMembership:
    """Ask to belong to an organisation; rights start once its administrator confirms."""
    membership = _open_membership(organisation, actor)
    if membership:
        return membership
    if organisation.archived_at is not None:
        raise Conflict(_("This organisation is archived."))
    membership = OrganisationMembership.objects.create(
        organisation=organisation, user=actor, created_by=actor
    )
    audit.record(actor=actor, action="organisation.member_request", obj=membership)
    return membership


@transaction.atomic
def membership_confirm(
    *, actor: User, membership: OrganisationMembership
) -> OrganisationMembership:
    """Confirm that a person belongs to the organisation; their rights start now."""
    require(actor, Action.ORGANISATION_MANAGE_MEMBERS, membership.organisation)
    if membership.ended_at is not None:
        raise Conflict(_("This membership has ended."))
    if membership.confirmed_at is not None:
        raise Conflict(_("This membership is already confirmed."))
    membership.confirmed_at, membership.confirmed_by = timezone.now(), actor
    membership.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(actor=actor, action="organisation.member_confirm", obj=membership)
    forget(membership.user)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: OrganisationMembership) -> OrganisationMembership:
    """End a membership; rights that flowed from it end at once, past work stays attributed."""
    require(actor, Action.ORGANISATION_MANAGE_MEMBERS, membership.organisation)
    if membership.ended_at is not None:
        raise Conflict(_("This membership has already ended."))
    if membership.user_id == actor.pk and membership.is_org_admin:
        others = (
            OrganisationMembership.objects.active()
            .filter(organisation=membership.organisation, is_org_admin=True)
            .exclude(pk=membership.pk)
        )
        if not others.exists():
            raise Conflict(_("You are the last administrator of this organisation."))
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    audit.record(actor=actor, action="organisation.member_end", obj=membership)
    user_end_sessions(actor=actor, user=membership.user, reason="left_organisation")
    forget(membership.user)
    return membership


# --- role profiles ----------------------------------------------------------------------------

PROFILE_FIELDS = [
    "mandate",
    "duty_to_report",
    "duty_to_report_note",
    "duty_to_prosecute",
    "duty_to_prosecute_note",
    "duty_of_care",
    "duty_of_care_note",
    "secrecy",
    "secrecy_source",
    "methods",
    "needs",
    "offers",
    "contact",
    "availability",
]
#: The fields of a version-2 profile (issue 12): distinct duties and secrecy per role.
PROFILE_FIELDS_V2 = [
    "mandate",
    "duties",
    "secrecy_roles",
    "methods",
    "needs",
    "offers",
    "contact",
    "availability",
]
_LONG_TEXT = 5000
_ITEM_TEXT = 500
_STATUTE = 300
_MAX_ROWS = 30


def _text(name: str, value: str, *, required: bool = False, limit: int = _LONG_TEXT) -> str:
    value = normalise(value or "").strip()
    if required and not value:
        raise ValidationFailed.field(name, _("This field is required."))
    if len(value) > limit:
        raise ValidationFailed.field(
            name, _("Keep this under %(limit)d characters.") % {"limit": limit}
        )
    # The entries of needs and offers are JSON, which the model's text guard does not see.
    return clean_text(value, field=name, max_length=None)  # the length is checked above


def _items(name: str, items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    kinds = content().item_kinds
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in items:
        code = str(item.get("code") or "").strip()
        text = _text(name, str(item.get("text") or ""), limit=_ITEM_TEXT)
        if not code and not text:
            continue
        if code not in kinds:
            raise ValidationFailed.field(name, _("Choose a kind for every entry."))
        if code in seen:
            raise ValidationFailed.field(
                name,
                _("“%(kind)s” appears twice; say it once.")
                % {"kind": kinds[code].label_in(get_language())},
            )
        seen.add(code)
        cleaned.append({"code": code, "text": text})
    return cleaned


def _rows(name: str, rows: Any) -> list[Mapping[str, Any]]:
    if not isinstance(rows, list | tuple) or not all(isinstance(r, Mapping) for r in rows):
        raise ValidationFailed.field(name, _("Give a list of entries."))
    if len(rows) > _MAX_ROWS:
        raise ValidationFailed.field(
            name, _("Give at most %(limit)d entries.") % {"limit": _MAX_ROWS}
        )
    return list(rows)


def _duties(rows: Any) -> list[dict[str, Any]]:
    """Version-2 duties: codes of the vocabulary, each once, a statute where one applies."""
    v2 = content().v2
    if v2 is None:
        raise ValidationFailed.field(
            "duties", _("Version 2 of the role-profile templates is not available yet.")
        )
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(_rows("duties", rows)):
        where = f"duties[{index}]"
        code = str(row.get("code") or "").strip()
        applies = row.get("applies")
        statute = _text(f"{where}.statute", str(row.get("statute") or ""), limit=_STATUTE)
        note = _text(f"{where}.note", str(row.get("note") or ""), limit=_ITEM_TEXT * 2)
        if not code and not statute and not note:
            continue
        if code not in v2.duties:
            raise ValidationFailed.field(f"{where}.code", _("Choose a duty from the list."))
        if code in seen:
            raise ValidationFailed.field(
                f"{where}.code",
                _("“%(duty)s” appears twice; say it once.")
                % {"duty": v2.duties[code].label_in(get_language())},
            )
        seen.add(code)
        if not isinstance(applies, bool):
            raise ValidationFailed.field(
                f"{where}.applies", _("Say whether this duty applies to you.")
            )
        if applies and not statute:
            raise ValidationFailed.field(
                f"{where}.statute", _("Name the statute this duty rests on.")
            )
        cleaned.append({"code": code, "applies": applies, "statute": statute, "note": note})
    return cleaned


def _secrecy_roles(rows: Any) -> list[dict[str, str]]:
    """Version-2 secrecy per profession or office; a statute wherever the secrecy binds."""
    v2 = content().v2
    if v2 is None:
        raise ValidationFailed.field(
            "secrecy_roles", _("Version 2 of the role-profile templates is not available yet.")
        )
    cleaned: list[dict[str, str]] = []
    for index, row in enumerate(_rows("secrecy_roles", rows)):
        where = f"secrecy_roles[{index}]"
        role = _text(f"{where}.role", str(row.get("role") or ""), limit=200)
        kind = str(row.get("kind") or "").strip()
        statute = _text(f"{where}.statute", str(row.get("statute") or ""), limit=_STATUTE)
        note = _text(f"{where}.note", str(row.get("note") or ""), limit=_ITEM_TEXT * 2)
        if not role and not kind and not statute and not note:
            continue
        if not role:
            raise ValidationFailed.field(
                f"{where}.role", _("Name the profession or office, e.g. “Social workers”.")
            )
        if kind not in v2.secrecy:
            raise ValidationFailed.field(f"{where}.kind", _("Choose a kind of secrecy."))
        if kind != "none" and not statute:
            raise ValidationFailed.field(
                f"{where}.statute", _("Name the statute this secrecy rests on.")
            )
        cleaned.append({"role": role, "kind": kind, "statute": statute, "note": note})
    return cleaned


def _profile_values_v2(values: Mapping[str, Any]) -> dict[str, Any]:
    roles = _secrecy_roles(values.get("secrecy_roles") or [])
    binding = [r for r in roles if r["kind"] not in NOT_BINDING]
    return {
        "content_version": 2,
        "mandate": _text("mandate", values.get("mandate", ""), required=True),
        "duty_to_report": None,
        "duty_to_report_note": "",
        "duty_to_prosecute": None,
        "duty_to_prosecute_note": "",
        "duty_of_care": None,
        "duty_of_care_note": "",
        "duties": _duties(values.get("duties") or []),
        "secrecy_roles": roles,
        # Derived for the sharing decision, which asks one question of the organisation.
        "secrecy": Secrecy.BOUND if binding else Secrecy.NONE,
        "secrecy_source": "; ".join(f"{r['role']}: {r['statute']}" for r in binding)[:1000],
        "methods": _text("methods", values.get("methods", "")),
        "needs": _items("needs", values.get("needs") or []),
        "offers": _items("offers", values.get("offers") or []),
        "contact": _text("contact", values.get("contact", ""), required=True, limit=1000),
        "availability": _text("availability", values.get("availability", ""), limit=1000),
    }


def is_v2(values: Mapping[str, Any]) -> bool:
    """Whether profile values have the version-2 shape (distinct duties, secrecy per role)."""
    if values.get("content_version") is not None:
        return values.get("content_version") == 2
    return values.get("duties") is not None or values.get("secrecy_roles") is not None


def _profile_values(values: Mapping[str, Any]) -> dict[str, Any]:
    if is_v2(values):
        return _profile_values_v2(values)
    secrecy = values.get("secrecy")
    if secrecy not in Secrecy.values:
        raise ValidationFailed.field("secrecy", _("Say whether professional secrecy binds you."))
    source = _text("secrecy_source", values.get("secrecy_source", ""))
    if secrecy == Secrecy.BOUND and not source:
        raise ValidationFailed.field(
            "secrecy_source", _("Name the law that binds you to professional secrecy.")
        )
    return {
        "content_version": 1,
        "mandate": _text("mandate", values.get("mandate", ""), required=True),
        "duty_to_report": bool(values.get("duty_to_report")),
        "duty_to_report_note": _text("duty_to_report_note", values.get("duty_to_report_note", "")),
        "duty_to_prosecute": bool(values.get("duty_to_prosecute")),
        "duty_to_prosecute_note": _text(
            "duty_to_prosecute_note", values.get("duty_to_prosecute_note", "")
        ),
        "duty_of_care": bool(values.get("duty_of_care")),
        "duty_of_care_note": _text("duty_of_care_note", values.get("duty_of_care_note", "")),
        "secrecy": secrecy,
        "secrecy_source": source if secrecy == Secrecy.BOUND else "",
        "methods": _text("methods", values.get("methods", "")),
        "needs": _items("needs", values.get("needs") or []),
        "offers": _items("offers", values.get("offers") or []),
        "contact": _text("contact", values.get("contact", ""), required=True, limit=1000),
        "availability": _text("availability", values.get("availability", ""), limit=1000),
    }


def _moves_to_v2(current: RoleProfileVersion, cleaned: Mapping[str, Any]) -> bool:
    return current.content_version < 2 and cleaned["content_version"] == 2


@transaction.atomic
def role_profile_save(
    *,
    actor: User,
    organisation: Organisation,
    values: Mapping[str, Any],
    based_on: int | None = None,
    template: str = "",
) -> RoleProfileVersion:
    """Save the organisation's role profile as a new version, confirmed by the one who saves.

    ``values`` holds the fields of ``PROFILE_FIELDS`` (version 1) or of ``PROFILE_FIELDS_V2``
    (version 2: ``duties`` and ``secrecy_roles``; see ``is_v2``); ``based_on`` is the version
    number the author started from (0 for none), so that a newer version saved meanwhile is not
    overwritten. ``template`` names the sector template the version was started from: a first
    version, or a version-2 version started from the template over a version-1 profile.
    """
    require(actor, Action.ORGANISATION_PROFILE_EDIT, organisation)
    cleaned = _profile_values(values)
    if template and template not in Sector.values:
        raise ValidationFailed.field("template", _("Unknown sector template."))
    head, _created = RoleProfile.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    current = head.current
    number = current.number if current else 0
    if based_on is not None and based_on != number:
        raise Conflict(
            _(
                "Someone saved version %(number)d of this profile meanwhile. "
                "Open the profile again and make your changes there."
            )
            % {"number": number}
        )
    fields = ["content_version", *PROFILE_FIELDS, "duties", "secrecy_roles"]
    before = snapshot(current, fields) if current else {}
    changed = sorted(k for k, v in cleaned.items() if before.get(k) != v)
    if current is not None and not changed:
        raise ValidationFailed(
            _("Nothing has changed. To say that the profile is still up to date, confirm it.")
        )
    now = timezone.now()
    version = RoleProfileVersion(
        profile=head,
        number=number + 1,
        template=template if current is None or _moves_to_v2(current, cleaned) else "",
        created_by=actor,
        **cleaned,
    )
    version.save()
    RoleProfileConfirmation.objects.create(version=version, confirmed_by=actor, confirmed_at=now)
    head.current, head.confirmed_at, head.confirmed_by = version, now, actor
    head.save(update_fields=["current", "confirmed_at", "confirmed_by"])
    audit.record(
        actor=actor,
        action="organisation.profile_save",
        obj=organisation,
        changes={
            "version": version.number,
            "changed": changed,
            "template": version.template,
            "content_version": version.content_version,
        },
    )
    return version


@transaction.atomic
def role_profile_confirm(
    *, actor: User, organisation: Organisation, version: int | None = None
) -> RoleProfileConfirmation:
    """Confirm that the current version of the organisation's role profile is up to date."""
    require(actor, Action.ORGANISATION_PROFILE_EDIT, organisation)
    head = RoleProfile.objects.select_for_update().filter(organisation=organisation).first()
    if head is None or head.current is None:
        raise Conflict(_("This organisation has no role profile to confirm yet."))
    if version is not None and version != head.current.number:
        raise Conflict(
            _("Version %(number)d is the current one now; read it before you confirm it.")
            % {"number": head.current.number}
        )
    now = timezone.now()
    confirmation = RoleProfileConfirmation.objects.create(
        version=head.current, confirmed_by=actor, confirmed_at=now
    )
    head.confirmed_at, head.confirmed_by = now, actor
    head.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(
        actor=actor,
        action="organisation.profile_confirm",
        obj=organisation,
        changes={"version": head.current.number},
    )
    return confirmation
