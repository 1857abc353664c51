"""Diagnostics rounds, who was invited and took part, and the anonymous answer sets.

Invariant: nothing links an answer set to its respondent once it is submitted. While a member
drafts, the draft is found by a keyed hash of round and person (``holder``); submitting deletes
the draft and stores the answers as a new answer set with only the respondent's group (security
or not, sector), no person, no time. ``Participation`` records who was invited (fixed when the
round opens, with their group) and whether they took part, never which answers are theirs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedJSONField
from icommit.instruments.engine.definition import MIN_RESPONDENTS
from icommit.instruments.models import InstrumentVersion, Response
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team


class Grouping(models.TextChoices):
    """How a round's results compare groups of members, chosen when the round opens."""

    SECURITY = "security", _("Security and non-security members")
    JUSTICE_SOCIAL = (
        "justice_social",
        _("Security, justice social services (probation, prison) and other members"),
    )
    STATE = "state", _("State and non-state members")


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
    #: Which groups the results compare, fixed at opening.
    grouping = models.CharField(
        _("groups compared"), max_length=20, choices=Grouping.choices, default=Grouping.SECURITY
    )
    #: The instrument's minimum of answer sets from counted invitees, fixed at opening.
    min_respondents = models.PositiveSmallIntegerField(default=MIN_RESPONDENTS)
    #: Set at closing: whether enough counted invitees answered for results to exist. A round
    #: closed without results keeps no answer sets.
    has_results = models.BooleanField(default=False)

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
    answering.

    Made for every invitee when the round opens and never added later: the group the answers
    will count in (``is_security``, ``sector``) and whether the invitee counts towards the
    round's minimum (``counted``: their organisation membership was confirmed, by someone other
    than the opener, at least ``services.VOUCHED_DAYS`` before) are fixed then too.
    """

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_security = models.BooleanField(default=False)
    sector = models.CharField(max_length=30, blank=True, default="")
    is_state = models.BooleanField(default=False)
    counted = models.BooleanField(default=False)
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
    is_state = models.BooleanField(default=False)


class StatementTally(models.Model):
    """How many answer sets of one group gave a statement a real answer ("don't know" and
    gaps do not count); written when a round closes with results, from its answer sets."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    is_security = models.BooleanField()
    sector = models.CharField(max_length=30)
    is_state = models.BooleanField(default=False)
    item = models.TextField()
    answered = models.PositiveIntegerField()


class OptionTally(models.Model):
    """How many answer sets of one group chose an option of a statement, written when a round
    closes with results, from its answer sets: for items on a counts scale (events, facts),
    for the distributions beside the means, for each rating of a paired item (``item.pair``)
    and for the number of entries of a group item (``item#entries``). ``option`` "" is "no
    answer", so a statement's counts in a group add up to the group's answer sets."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="option_tallies")
    is_security = models.BooleanField()
    sector = models.CharField(max_length=30)
    is_state = models.BooleanField(default=False)
    item = models.TextField()
    option = models.CharField(max_length=60)
    answered = models.PositiveIntegerField()


#: A recommendation of a round's results as a plan source (``plans.sources``); its source id is
#: "round:dimension:band:index". Registered in ``DiagnosticsConfig.ready``.
PLAN_SOURCE_KIND = "recommendation"
