"""Organisations and the people who belong to them.

A membership gives rights only once an organisation administrator has confirmed it and until
it ends; ended memberships stay as the record of who did what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.core.text import LONG, SHORT
from icommit.stakeholders.sectors import Sector


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("Two-letter ISO code, e.g. DE")
    )
    city = models.CharField(_("city"), max_length=120)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    is_security = models.BooleanField(_("security actor"))
    is_state = models.BooleanField(_("state actor"))
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city", "country"], name="organisation_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["OrganisationMembership"]):
    def active(self) -> MembershipQuerySet:
        """Confirmed memberships that have not ended, of active users, in live organisations."""
        return self.filter(
            confirmed_at__isnull=False,
            ended_at__isnull=True,
            user__is_active=True,
            organisation__archived_at__isnull=True,
        )

    def pending(self) -> MembershipQuerySet:
        return self.filter(confirmed_at__isnull=True, ended_at__isnull=True)


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="org_memberships"
    )
    is_org_admin = models.BooleanField(_("organisation administrator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_membership_per_organisation",
            )
        ]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


# --- role profiles ----------------------------------------------------------------------------


class Secrecy(models.TextChoices):
    NONE = "none", _("Not bound by professional secrecy")
    BOUND = "bound", _("Bound by professional secrecy")


class RoleProfile(models.Model):
    """An organisation's role profile: which version is current and who last confirmed it.

    The versions themselves never change; a save makes a new one. Saving counts as a
    confirmation by the person who saved; later confirmations say "still up to date".
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="role_profile"
    )
    current = models.ForeignKey(
        "RoleProfileVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(_("Role profile of %(org)s") % {"org": self.organisation})


#: Secrecy kinds (content/sectors/v2/secrecy.yaml) that do not make the organisation count as
#: bound in the sharing decision: official secrecy of public officials does not by itself stop
#: a transfer between authorities that the law allows. Any other kind, known or not, binds.
NOT_BINDING = frozenset({"none", "official"})


class RoleProfileVersion(models.Model):
    """One immutable version of a role profile.

    ``content_version`` says which shape it has. Version 1: three duty flags with notes and one
    secrecy flag for the whole organisation. Version 2 (issue 12): ``duties`` lists distinct
    duties ({"code": a code of content/sectors/v2/duties.yaml, "applies": bool, "statute",
    "note"}) and ``secrecy_roles`` secrecy per profession or office within the organisation
    ({"role", "kind": a code of secrecy.yaml, "statute", "note"}); its three duty flags are
    None, and ``secrecy``/``secrecy_source`` are derived from the roles for the sharing decision.
    Versions never change, so a version-1 profile keeps its flags until someone saves a new one.
    """

    profile = models.ForeignKey(RoleProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content_version = models.PositiveSmallIntegerField(default=1)
    mandate = models.TextField(_("mandate"), max_length=LONG)
    duty_to_report = models.BooleanField(_("duty to report"), null=True)
    duty_to_report_note = models.TextField(
        _("about the duty to report"), blank=True, max_length=SHORT
    )
    duty_to_prosecute = models.BooleanField(_("duty to prosecute"), null=True)
    duty_to_prosecute_note = models.TextField(
        _("about the duty to prosecute"), blank=True, max_length=SHORT
    )
    duty_of_care = models.BooleanField(_("duty of care"), null=True)
    duty_of_care_note = models.TextField(_("about the duty of care"), blank=True, max_length=SHORT)
    duties = models.JSONField(_("legal duties"), default=list, blank=True)
    secrecy_roles = models.JSONField(_("secrecy per role"), default=list, blank=True)
    secrecy = models.CharField(_("professional secrecy"), max_length=10, choices=Secrecy.choices)
    secrecy_source = models.TextField(
        _("legal source of the secrecy"), blank=True, max_length=SHORT
    )
    methods = models.TextField(_("methods and tools"), blank=True, max_length=LONG)
    #: Lists of {"code": <kind from content/sectors/vocabulary.yaml>, "text": free text}.
    needs = models.JSONField(_("what it needs from the others"), default=list, blank=True)
    offers = models.JSONField(_("what it offers"), default=list, blank=True)
    contact = models.TextField(_("contact"), max_length=SHORT)
    availability = models.TextField(_("availability"), blank=True, max_length=SHORT)
    #: The sector template this version was started from, if any.
    template = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="one_number_per_profile")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def is_bound(self) -> bool:
        return self.secrecy == Secrecy.BOUND

    @property
    def need_codes(self) -> frozenset[str]:
        return frozenset(i.get("code", "") for i in self.needs)

    @property
    def offer_codes(self) -> frozenset[str]:
        return frozenset(i.get("code", "") for i in self.offers)


class RoleProfileConfirmation(models.Model):
    """A member of the organisation confirmed that a version was up to date."""

    version = models.ForeignKey(
        RoleProfileVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-confirmed_at"]
