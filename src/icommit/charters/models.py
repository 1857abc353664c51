"""The team charter (versioned, confirmed by members) and team meetings with confirmed minutes.

A published charter version and frozen minutes never change: the services refuse it, and a
change is always a new version that points back to the one it replaces. Names, organisations
and roles are copied into each version so that it still reads as it did when it was agreed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.core.text import LONG, SHORT
from icommit.minutes.models import MinutesAttendee, MinutesRecord
from icommit.minutes.workflow import MinutesStatus as MinutesStatus  # the kernel's states
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

#: The text sections of a charter, in the order the charter shows them.
SECTIONS: tuple[str, ...] = (
    "purpose_scope",
    "roles_note",
    "meeting_rhythm",
    "referral_criteria",
    "escalation_dissent",
    "confidentiality",
)


def section_label(name: str) -> str:
    """The heading of a charter section in the active language."""
    return str(getattr(CharterVersion._meta.get_field(name), "verbose_name", name))


class CharterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CharterVersion(models.Model):
    """One version of a team's charter: a draft the coordinator edits, or a published text."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="charter_versions")
    #: 1, 2, 3… given at publication; a draft has none yet.
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CharterStatus.choices, default=CharterStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose_scope = models.TextField(
        _("Purpose and scope"), blank=True, default="", max_length=LONG
    )
    roles_note = models.TextField(_("Members and roles"), blank=True, default="", max_length=LONG)
    meeting_rhythm = models.TextField(_("Meeting rhythm"), blank=True, default="", max_length=LONG)
    referral_criteria = models.TextField(
        _("Referral and triage criteria"), blank=True, default="", max_length=LONG
    )
    escalation_dissent = models.TextField(
        _("Escalation and dissent"), blank=True, default="", max_length=LONG
    )
    confidentiality = models.TextField(
        _("Confidentiality"), blank=True, default="", max_length=LONG
    )
    change_note = models.CharField(_("What changed"), max_length=300, blank=True, default="")
    #: Members at publication: [{user_id, name, organisation_id, organisation, role}].
    members = models.JSONField(default=list, blank=True)
    #: The team's sharing protocol at publication: [{from, to, category, rule, legal_source, note}].
    sharing_protocol = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["team", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "number"],
                condition=Q(number__isnull=False),
                name="charter_version_number_unique",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(status="draft"),
                name="one_charter_draft_per_team",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", number__isnull=True, published_at__isnull=True)
                    | Q(status="published", number__isnull=False, published_at__isnull=False)
                ),
                name="charter_published_has_number",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Charter draft"))
        return str(_("Charter version %(n)s") % {"n": self.number})

    @property
    def is_draft(self) -> bool:
        return self.status == CharterStatus.DRAFT

    def sections(self) -> list[tuple[str, str, str]]:
        """(field name, heading, text) for every section, in order."""
        return [(name, section_label(name), getattr(self, name)) for name in SECTIONS]


class CharterConfirmation(models.Model):
    """A member's confirmation of a published charter version, for the organisation they sit for."""

    version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["confirmed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_confirmation_per_member")
        ]


class Meeting(models.Model):
    """A team meeting outside casework; what happened lives in its versions of the minutes."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="meetings")
    #: The newest version of the minutes (kept by the services, so lists need no subquery).
    current = models.ForeignKey(
        "MinutesVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.current.title if self.current else str(_("Team meeting"))


class MinutesVersion(MinutesRecord):
    """One version of a meeting's record: date, attendees, agenda, minutes, decisions.

    Number, state, correction link and who circulated and froze it come from ``MinutesRecord``;
    the workflow is ``icommit.minutes``.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="versions")
    held_on = models.DateField(_("Date"))
    title = models.CharField(_("Title"), max_length=200)
    agenda = models.TextField(_("Agenda"), blank=True, default="", max_length=LONG)
    minutes = models.TextField(_("Minutes"), blank=True, default="", max_length=LONG)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d}, v{self.number})"


class Attendee(MinutesAttendee):
    """A team member who attended, with the organisation and role they attended for."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="attendees")

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_attendance_per_version")
        ]


class Decision(models.Model):
    """A decision taken at the meeting; ``lineage`` stays the same across corrections."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="decisions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("Decision"), max_length=LONG)
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True)

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.text


class Dissent(models.Model):
    """An organisation that did not agree with a decision, and why."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="dissents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("Reason"), max_length=SHORT)

    class Meta:
        ordering = ["decision", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "organisation"], name="one_dissent_per_organisation"
            )
        ]


#: A decision as a plan source (``plans.sources``); registered in ``ChartersConfig.ready``.
PLAN_SOURCE_KIND = "meeting_decision"
