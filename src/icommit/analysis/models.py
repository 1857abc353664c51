"""Social Diagnostics of a case: analyses, each organisation's perspective, the case formulation.

An ``Analysis`` is one round of Social Diagnostics on a case (the newest is the current one).
A ``Perspective`` is a shared item of the organisation that records it: its ratings and words
live only encrypted with the client's key (the draft here, the submitted answer set in the
instruments engine's ``Response``, stored and deleted only through ``instruments.services``).
A ``Formulation`` is the lead organisation's agreed synthesis, one row per version.
Invariant: no rating, rationale or text of a client stands in a plain column.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedJSONField, EncryptedTextField
from icommit.sharing.models import AudienceRow, SharedItem

SUBJECT = "case.client.subject_key_id"


class Analysis(models.Model):
    """One round of Social Diagnostics on a case; a new one starts after a review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    version = models.ForeignKey(
        "instruments.InstrumentVersion", on_delete=models.PROTECT, related_name="+"
    )
    #: why a new analysis was started (after a review); empty for the first
    reason = EncryptedTextField(_("reason"), subject=SUBJECT, null=True, blank=True, default="")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="analysis_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.number}"


class Viewpoint(models.TextChoices):
    ORGANISATION = "organisation", _("the organisation's own view")
    CLIENT = "client", _("the client's own view")


class PerspectiveStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class Perspective(SharedItem):
    """One organisation's view (or the client's view recorded with it) on one analysis."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    analysis = models.ForeignKey(Analysis, on_delete=models.PROTECT, related_name="perspectives")
    viewpoint = models.CharField(_("viewpoint"), max_length=20, choices=Viewpoint.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PerspectiveStatus.choices,
        default=PerspectiveStatus.DRAFT,
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The kind of secrecy its author was bound by when recording it (vocabulary v2 code).
    secrecy = models.CharField(_("secrecy"), max_length=20, default="none")
    #: answers while it is a draft (the submitted set lives in ``response``)
    draft = EncryptedJSONField(subject=SUBJECT, null=True, blank=True, default=None)
    response = models.ForeignKey(
        "instruments.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    #: not a column: the names of the organisations whose shares ended when
    #: ``services.perspective_submit`` changed the answers (the rule book no longer passed)
    shares_ended: tuple[str, ...] = ()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "origin_organisation", "viewpoint"],
                name="perspective_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_organisation_id}/{self.viewpoint}"

    @property
    def is_submitted(self) -> bool:
        return self.status == PerspectiveStatus.SUBMITTED


class PerspectiveAudience(AudienceRow):
    item = models.ForeignKey(Perspective, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class Formulation(SharedItem):
    """One version of the agreed case formulation of an analysis (the lead organisation's).

    ``content``: ``{"domains": {D: {"concern": 0..3|"unknown"|None, "resource": ..., "note": ""}},
    "summary": "", "hypotheses": "", "needs": "", "tasks": [{"service": "", "task": ""}]}``;
    None is a rating the participants did not agree on.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    analysis = models.ForeignKey(Analysis, on_delete=models.PROTECT, related_name="formulations")
    number = models.PositiveIntegerField(_("version"))
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = EncryptedJSONField(subject=SUBJECT, default=dict)
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agreed_at", "number"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "number"], name="formulation_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.analysis_id}/v{self.number}"


class FormulationAudience(AudienceRow):
    item = models.ForeignKey(Formulation, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )
