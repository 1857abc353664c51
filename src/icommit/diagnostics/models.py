"""Diagnostics rounds, who was invited and took part, and the anonymous answer sets.

Invariant: nothing links an answer set to its respondent once it is submitted. While a member
drafts, the draft is found by a keyed hash of round and person (``holder``); submitting deletes
the draft and stores the answers as a new answer set with only the respondent's group (security
or not, sector), no person, no time. ``Participation`` records who was invited and whether
they took part, never which answers are theirs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedJSONField
from icommit.instruments.models import InstrumentVersion, Response
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team


class Round(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="diagnostic_rounds")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closes_on = models.DateField(_("closing date"))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: object = None) -> bool:
        """Open until closed by hand or until the end of its closing date."""
        day = today or timezone.localdate()
        return self.closed_at is None and day <= self.closes_on  # type: ignore[operator]


class Participation(models.Model):
    """An invitation to a round and whether it was answered; holds no answers and no times of
    answering."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    submitted = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="participation_once")]


class Draft(models.Model):
    """Answers being written, found only through the keyed hash of round and respondent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    holder = models.CharField(max_length=120, unique=True)
    answers = EncryptedJSONField(default=dict)


class RoundResponse(models.Model):
    """A submitted answer set in a round, with the respondent's group and nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, related_name="round_response"
    )
    is_security = models.BooleanField()
    sector = models.CharField(max_length=30)
