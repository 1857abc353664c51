"""MSC teams, the organisations that take part, the people in them, and invitations.

A team membership gives rights only while it is active and the member's membership in the
organisation they sit for is confirmed (``TeamMembership.objects.effective()``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.stakeholders.models import Organisation


class Scope(models.TextChoices):
    """Which forms of violent extremism the team works on (its scope)."""

    VRWE = "vrwe", _("Violent right-wing extremism")
    VIE = "vie", _("Violent Islamist extremism")
    BOTH = "both", _("Violent right-wing and Islamist extremism")
    ALL_FORMS = (
        "all_forms",
        _("All forms of violent extremism, including mixed or unclear ideology"),
    )
    MIXED_UNCLEAR = "mixed_unclear", _("Mixed or unclear ideology")
    MISOGYNIST = "misogynist", _("Misogynist violence")
    ANTI_GOVERNMENT = "anti_government", _("Anti-government extremism")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    scope = models.CharField(
        _("forms of extremism the team works on"),
        max_length=20,
        choices=Scope.choices,
        default=Scope.BOTH,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamOrganisation(models.Model):
    """An organisation that takes part in a team."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "organisation"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_participation",
            )
        ]


class TeamMembershipQuerySet(models.QuerySet["TeamMembership"]):
    def current(self) -> TeamMembershipQuerySet:
        return self.filter(ended_at__isnull=True, team__archived_at__isnull=True)

    def effective(self) -> TeamMembershipQuerySet:
        """Memberships that give rights now: active, of an active user, for a live organisation
        in which the user's membership is confirmed and not ended.

        One join (team membership, user, the user's membership in the organisation the team
        membership is for, organisation) instead of a correlated subquery: the same rows, as
        an open organisation membership is unique per organisation and user
        (``one_open_membership_per_organisation``), so the join adds no duplicates. All its
        conditions stand in one ``filter`` so that they apply to the same joined row.
        """
        return self.filter(
            ended_at__isnull=True,
            user__is_active=True,
            organisation__archived_at__isnull=True,
            user__org_memberships__organisation=F("organisation"),
            user__org_memberships__confirmed_at__isnull=False,
            user__org_memberships__ended_at__isnull=True,
        )


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_team_membership",
            )
        ]


class Invitation(models.Model):
    """A one-time, expiring link that brings a new person into a team and an organisation."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("email"))
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
