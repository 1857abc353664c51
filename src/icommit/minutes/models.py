"""Abstract fields of versioned, confirmed minutes, for an app to subclass.

A concrete version model adds what it records (date, title, text, decisions) and the link to
what it belongs to; a concrete attendee model adds the foreign key to its version. Nothing here
has a table of its own, so subclassing changes no column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.core.text import SHORT
from icommit.minutes import workflow
from icommit.minutes.workflow import MinutesStatus
from icommit.stakeholders.models import Organisation


class MinutesRecord(models.Model):
    """One version of minutes: its number, its state in the workflow and who moved it."""

    number = models.PositiveIntegerField(default=1)
    #: The frozen version this one corrects.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.TextField(
        _("Reason for the correction"), blank=True, default="", max_length=SHORT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Who attended but could not confirm any more (they left), named at freezing.
    freeze_note = models.TextField(blank=True, default="", max_length=SHORT)

    class Meta:
        abstract = True

    @property
    def is_frozen(self) -> bool:
        return self.status == MinutesStatus.FROZEN


class MinutesAttendee(models.Model):
    """Someone who attended, with the organisation and role they attended for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def must_confirm(self) -> bool:
        """Observers attend and read; everyone else confirms the minutes."""
        return workflow.must_confirm(self.role)
