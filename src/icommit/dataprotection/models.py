"""Privacy operations: the operator's retention periods and the runs that apply them, and
data-subject exports with each origin organisation's release or restriction.

Invariant: nothing here holds a value a person wrote about a client in plain text. A run's
listing names case numbers, categories and months only; a restriction's legal ground is sealed
with the client's key; a period is a number of months per data category, and a category without
a row is never removed automatically.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedTextField

#: The retention "category" of the case record itself (referral, stages, consents, ledger):
#: when it and every data category the client's items hold have expired, the client is erased.
CASE_RECORD = "case_record"


class RetentionPeriod(models.Model):
    """How many months after a case's closure a data category is kept (set by the DPO)."""

    category = models.CharField(_("data category"), max_length=40, unique=True)
    months = models.PositiveIntegerField(_("months after closure"))
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["category"]


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("daily schedule")
    COMMAND = "command", _("command line")
    PAGE = "page", _("data-protection officer's page")


class RetentionRun(models.Model):
    """One retention run (or dry run): what it removed, or would remove, without client values."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dry_run = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, choices=RunTrigger.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: the day the periods were measured against
    as_of = models.DateField()
    #: categories without a period at the time of the run (nothing of them was removed)
    unset = models.JSONField(default=list)
    #: [{"case": number, "team": name, "closed": "YYYY-MM-DD", "category": code, "action": ...}]
    listing = models.JSONField(default=list)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("The client asked for erasure (Art. 17(1) GDPR)")
    WITHDRAWN = "withdrawn", _("The client withdrew the consent the processing rested on")
    OBJECTION = "objection", _("The client objected and no overriding grounds remain")
    UNLAWFUL = "unlawful", _("The data were processed unlawfully")
    NOT_NEEDED = "not_needed", _("The data are no longer needed for their purpose")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation requires erasure")


class ExportRequest(models.Model):
    """A client asked for a copy of everything held about them; the lead organisation records it.

    Each organisation that holds items about the client answers for its own part
    (``ExportAnswer``); a background job assembles what each reader may open.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("cases.Client", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    lead_organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    asked_on = models.DateField(_("the client asked on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class AnswerState(models.TextChoices):
    WAITING = "waiting", _("waiting for the organisation")
    RELEASED = "released", _("released")
    RESTRICTED = "restricted", _("restricted")


class ExportAnswer(models.Model):
    """One origin organisation's answer for its own part of an export: released or restricted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(ExportRequest, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=AnswerState.choices, default=AnswerState.WAITING
    )
    #: code of the restriction ground (content), and the organisation's own words, sealed
    ground = models.CharField(_("legal ground"), max_length=60, blank=True)
    ground_note = EncryptedTextField(
        _("explanation"), subject="request.client.subject_key_id", null=True, blank=True, default=""
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="export_answer_once_per_organisation"
            )
        ]
