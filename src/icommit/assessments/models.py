"""The client's D&R phase and risk-assessment references.

- ``PhaseEntry``: the case-work phase of a case, recorded by the lead's case manager; the
  latest entry is the current phase, the others its history (note encrypted with the client's key
  and read only by the organisation that wrote it, ``origin_organisation``).
- ``TrackEntry``: one organisation's view of one track (disengagement = behaviour,
  deradicalisation = attitudes) at a date, a shared item of that organisation. The two tracks
  are never combined: each entry names exactly one track and one stage of it.
- ``RiskReference``: a reference to an assessment an organisation made with its own instrument,
  a shared item of that organisation, recorded only by its designated assessors
  (``RiskAssessor``). Everything it says about the client is encrypted with the client's key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedTextField
from icommit.sharing.models import AudienceRow, SharedItem
from icommit.stakeholders.models import Organisation

#: The data category of each track's entries. Behaviour (violent acts, roles in a scene) is data
#: relating to offences (GDPR Art. 10), stricter than "social situation"; attitudes are beliefs.
TRACK_CATEGORY = {"disengagement": "offence", "deradicalisation": "ideology"}
RISK_CATEGORY = "risk"


class PhaseEntry(models.Model):
    """The case-work phase a case entered, when, by whom, with a note.

    ``origin_organisation`` is the lead organisation that wrote the entry: its note stays that
    organisation's, also after another organisation takes the lead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    origin_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    phase = models.CharField(_("phase"), max_length=40)
    since = models.DateField(_("since"))
    note = EncryptedTextField(
        _("note"), subject="case.client.subject_key_id", null=True, blank=True, default=""
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "pk"]


class TrackEntry(SharedItem):
    """One organisation's reading of one track of the client's D&R process at a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    track = models.CharField(_("track"), max_length=30)
    stage = models.CharField(_("stage"), max_length=40)
    on = models.DateField(_("date"))
    rationale = EncryptedTextField(_("rationale"), subject="case.client.subject_key_id")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "recorded_at", "pk"]


class TrackAudience(AudienceRow):
    item = models.ForeignKey(TrackEntry, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class RiskReference(SharedItem):
    """A reference to a risk assessment made by the origin organisation with its instrument."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    instrument = EncryptedTextField(_("instrument"), subject="case.client.subject_key_id")
    assessed_on = models.DateField(_("date of the assessment"))
    level = EncryptedTextField(_("level"), subject="case.client.subject_key_id")
    summary = EncryptedTextField(
        _("summary meant for sharing"), subject="case.client.subject_key_id"
    )
    next_review = models.DateField(_("next review"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "pk"]


class RiskAudience(AudienceRow):
    item = models.ForeignKey(RiskReference, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class RiskAssessor(models.Model):
    """A member of an organisation designated by its administrator to record risk references."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(default=timezone.now)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["designated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="risk_assessor_once",
            ),
        ]
