"""Case conferences: a team's meeting about cases, its attendees by organisation, its agenda of
cases, and per agenda case a part of the minutes.

The part is a shared item of the case's lead organisation (``ConferencePart``) whose audience is
the attending organisations that take part in the case; what was said lives in its versions
(``PartVersion``, the ``minutes`` state machine), sealed with the client's key. A frozen version
never changes; a correction is a new version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.core.fields import EncryptedTextField
from icommit.core.text import TITLE
from icommit.interventions.models import Intensity
from icommit.minutes import workflow
from icommit.minutes.models import MinutesAttendee, MinutesRecord
from icommit.sharing.models import AudienceRow, SharedItem
from icommit.stakeholders.models import Organisation

#: The data category of a conference part: it records decisions, scale, review date and actions
#: of the case's plan (see docs/user-guide/case-conferences.md for why not "situation").
PART_CATEGORY = "plan"


class Scale(models.TextChoices):
    UNCHANGED = "unchanged", _("unchanged")
    UP = "up", _("scale up")
    DOWN = "down", _("scale down")


class Conference(models.Model):
    """A case conference of a team: when, what, who convened it."""

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=TITLE)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class ConferenceAttendee(models.Model):
    """A person who attends, for one organisation of the team, with their team role."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="one_conference_seat")
        ]

    @property
    def must_confirm(self) -> bool:
        """Observers attend and read; everyone else confirms the minutes they are present for."""
        return workflow.must_confirm(self.role)


class AgendaEntry(models.Model):
    """A case on the agenda, in its place, with the person of the lead who presents it."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["conference", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "case"], name="one_agenda_entry_per_case")
        ]


class ConferencePart(SharedItem):
    """The part of the minutes about one agenda case: a shared item of the case's lead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.OneToOneField(AgendaEntry, on_delete=models.PROTECT, related_name="part")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    #: the newest version (kept by the services, so pages need no subquery)
    current = models.ForeignKey(
        "PartVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: whether the client is informed that the minutes go to the organisations present
    client_informed = models.BooleanField(_("client informed"), default=False)
    not_informed_reason = EncryptedTextField(
        _("why the client is not informed"), subject="case.client.subject_key_id", default=""
    )
    #: attending organisations that did not receive the part: organisation id -> why not
    stepped_out = models.JSONField(default=dict, blank=True)


class PartAudience(AudienceRow):
    item = models.ForeignKey(ConferencePart, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class PartVersion(MinutesRecord):
    """One version of a part: discussion, decisions, scale, next review (sealed where words)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    part = models.ForeignKey(ConferencePart, on_delete=models.CASCADE, related_name="versions")
    correction_reason = EncryptedTextField(
        _("Reason for the correction"),
        subject="part.case.client.subject_key_id",
        blank=True,
        default="",
    )
    freeze_note = EncryptedTextField(
        subject="part.case.client.subject_key_id", blank=True, default=""
    )
    discussion = EncryptedTextField(
        _("discussion"), subject="part.case.client.subject_key_id", null=True, default=""
    )
    decisions = EncryptedTextField(
        _("decisions"), subject="part.case.client.subject_key_id", null=True, default=""
    )
    scale = models.CharField(_("scale"), max_length=12, choices=Scale.choices, blank=True)
    #: the level of intensity scaled to (``interventions.models.Intensity``), when scaled
    intensity = models.CharField(
        _("level of intensity"), max_length=20, choices=Intensity.choices, blank=True
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)
    #: when the next review, scale and actions went to the case and its plan
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["part", "number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="part_version_unique")
        ]


class PartAttendee(MinutesAttendee):
    """Someone present for the case's part (an attendee of an organisation in its audience)."""

    version = models.ForeignKey(PartVersion, on_delete=models.CASCADE, related_name="attendees")

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_part_attendance")
        ]


class Dissent(models.Model):
    """An organisation present that did not agree, and why (sealed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(PartVersion, on_delete=models.CASCADE, related_name="dissents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("dissent"), subject="version.part.case.client.subject_key_id")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="one_dissent_per_part_organisation"
            )
        ]


class PartAction(models.Model):
    """An action agreed for the case: what (sealed), the responsible organisation, due date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(PartVersion, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    what = EncryptedTextField(_("action"), subject="version.part.case.client.subject_key_id")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"), null=True, blank=True)
    #: the measure of the intervention plan it became (an id of the interventions app)
    measure_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["version", "position"]
