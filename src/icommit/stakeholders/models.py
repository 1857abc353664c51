"""Organisations and the people who belong to them.

A membership gives rights only once an organisation administrator has confirmed it and until
it ends; ended memberships stay as the record of who did what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
