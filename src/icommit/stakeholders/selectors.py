"""Reads on organisations and role profiles, narrowed to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access import Action, get_visible, visible
from icommit.accounts.models import User
from icommit.core.content import translated
from icommit.core.exceptions import NotFound
from icommit.stakeholders.content import content
from icommit.stakeholders.models import (
    Organisation,
    OrganisationMembership,
    RoleProfile,
    RoleProfileConfirmation,
    RoleProfileVersion,
)


def organisation_list(*, user: User, query: str = "", sector: str = "") -> QuerySet[Organisation]:
    """Organisations the user may see, with their count of confirmed members."""
    qs = visible(user, Action.ORGANISATION_VIEW, Organisation.objects.all())
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(city__icontains=query))
    if sector:
        qs = qs.filter(sector=sector)
    return qs.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__confirmed_at__isnull=False, memberships__ended_at__isnull=True),
        )
    ).order_by("name")


def organisation_get(
    *, user: User, pk: Any, action: Action = Action.ORGANISATION_VIEW
) -> Organisation:
    """One organisation the user may see (and act on), or NotFound."""
    return get_visible(user, action, Organisation.objects.all(), pk=pk)


def organisation_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """Open memberships of the organisation, pending first."""
    return (
        OrganisationMembership.objects.filter(organisation=organisation, ended_at__isnull=True)
        .select_related("user", "confirmed_by")
        .order_by("-is_org_admin", "confirmed_at", "user__full_name")
    )


def membership_get(*, user: User, organisation: Organisation, pk: Any) -> OrganisationMembership:
    """One open membership of an organisation the user may manage, or NotFound."""
    try:
        return organisation_members(organisation=organisation).get(pk=pk)
    except (OrganisationMembership.DoesNotExist, ValueError):
        raise NotFound() from None


def pending_confirmations(*, user: User) -> QuerySet[OrganisationMembership]:
    """Memberships waiting for this user's confirmation as organisation administrator."""
    orgs = visible(user, Action.ORGANISATION_MANAGE_MEMBERS, Organisation.objects.all())
    return (
        OrganisationMembership.objects.pending()
        .filter(organisation__in=orgs)
        .select_related("user", "organisation")
        .order_by("created_at")
    )


def my_memberships(*, user: User) -> QuerySet[OrganisationMembership]:
    """The user's own open organisation memberships."""
    return (
        OrganisationMembership.objects.filter(user=user, ended_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


# --- role profiles ----------------------------------------------------------------------------


def profile_max_age_days() -> int:
    """How old a confirmation may be before a profile counts as stale (a setting)."""
    return int(getattr(settings, "PROFILE_MAX_AGE_DAYS", 365))


def profile_status(profile: RoleProfile | None, *, now: datetime.datetime | None = None) -> str:
    """``missing``, ``stale`` (last confirmed longer ago than the age limit) or ``current``."""
    if profile is None or profile.current_id is None or profile.confirmed_at is None:
        return "missing"
    now = now or timezone.now()
    limit = datetime.timedelta(days=profile_max_age_days())
    return "stale" if now - profile.confirmed_at > limit else "current"


def profiles_to_reconfirm(
    *, user: User, now: datetime.datetime | None = None
) -> QuerySet[RoleProfile]:
    """Role profiles the user may confirm whose last confirmation has gone stale, oldest first.

    Stale as in ``profile_status``; only live organisations the user is a confirmed member of
    (those who may write the profile). One query.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=profile_max_age_days())
    orgs = visible(user, Action.ORGANISATION_PROFILE_EDIT, Organisation.objects.all())
    return (
        RoleProfile.objects.filter(
            organisation__in=orgs, current__isnull=False, confirmed_at__lt=limit
        )
        .select_related("organisation")
        .order_by("confirmed_at", "pk")
    )


def role_profile_of(*, organisation: Organisation) -> RoleProfile | None:
    """The organisation's role profile with its current version, or None."""
    return (
        RoleProfile.objects.select_related(
            "current", "current__created_by", "confirmed_by", "organisation"
        )
        .filter(organisation=organisation)
        .first()
    )


def role_profile_versions(*, organisation: Organisation) -> QuerySet[RoleProfileVersion]:
    """Every version of the organisation's role profile, newest first, with confirmations."""
    return (
        RoleProfileVersion.objects.filter(profile__organisation=organisation)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=RoleProfileConfirmation.objects.select_related("confirmed_by"),
            )
        )
        .order_by("-number")
    )


def kind_label(code: str) -> str:
    found = content().item_kinds.get(code)
    return found.label_in(get_language()) if found else code


def labelled_items(items: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Needs or offers of a profile version as (kind label, details)."""
    return [(kind_label(i.get("code", "")), i.get("text", "")) for i in items]


# --- role profiles, version 2 (issue 12) -------------------------------------------------------


@dataclass(frozen=True)
class DutyRow:
    """One duty of a version-2 profile as pages and exports show it."""

    code: str
    label: str
    informs: str  # to whom the information goes
    is_permission: bool
    applies: bool
    statute: str
    note: str


@dataclass(frozen=True)
class SecrecyRow:
    role: str
    kind: str
    label: str
    statute: str
    note: str


def duty_rows(version: RoleProfileVersion | None) -> list[DutyRow]:
    """The distinct duties of a version-2 profile version, labelled in the current language."""
    if version is None or version.content_version < 2:
        return []
    language = get_language()
    v2 = content().v2
    vocabulary = v2.duties if v2 is not None else {}
    rows = []
    for duty in version.duties:
        code = str(duty.get("code", ""))
        known = vocabulary.get(code)
        rows.append(
            DutyRow(
                code=code,
                label=known.label_in(language) if known else code,
                informs=known.informs_in(language) if known else "",
                is_permission=bool(known and known.is_permission),
                applies=bool(duty.get("applies")),
                statute=str(duty.get("statute", "")),
                note=str(duty.get("note", "")),
            )
        )
    return rows


def secrecy_rows(version: RoleProfileVersion | None) -> list[SecrecyRow]:
    """Secrecy per profession or office of a version-2 profile version."""
    if version is None or version.content_version < 2:
        return []
    language = get_language()
    v2 = content().v2
    kinds = v2.secrecy if v2 is not None else {}
    return [
        SecrecyRow(
            role=str(r.get("role", "")),
            kind=str(r.get("kind", "")),
            label=kinds[r["kind"]].label_in(language) if r.get("kind") in kinds else "",
            statute=str(r.get("statute", "")),
            note=str(r.get("note", "")),
        )
        for r in version.secrecy_roles
    ]


@dataclass(frozen=True)
class TemplateUpdate:
    """A newer sector template than the one the current profile version has the shape of."""

    version: int
    sector: str
    changes: str  # what the template's authors say changed
    fields: list[str]  # labels of the profile fields whose content would change


def template_update(*, organisation: Organisation, version: RoleProfileVersion | None) -> Any:
    """The version-2 template an organisation whose profile came from version 1 may move to.

    None when the profile already has the version-2 shape, has no version yet (the form starts
    from version 2 anyway) or no version-2 template exists for the sector.
    """
    v2 = content().v2
    if version is None or version.content_version >= 2 or v2 is None:
        return None
    template = v2.templates.get(organisation.sector)
    if template is None:
        return None
    language = get_language()
    draft = template.draft(language)
    fields = [str(_("Legal duties")), str(_("Secrecy per profession or office"))]
    for name, label in (
        ("mandate", _("Mandate")),
        ("methods", _("Methods and tools")),
        ("needs", _("Needs from the others")),
        ("offers", _("Offers")),
        ("availability", _("Availability")),
    ):
        if getattr(version, name) != draft[name]:
            fields.append(str(label))
    return TemplateUpdate(
        version=template.version,
        sector=organisation.sector,
        changes=translated(template.changes, language),
        fields=fields,
    )
