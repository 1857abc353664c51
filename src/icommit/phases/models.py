"""Stored phase model versions and each team's progress through the phases.

A ``PhaseModelVersion`` is never changed once written: a shipped version is stored when a team
first uses it, with its content hash; a team's adaptation is a new version derived from its
parent. A team without a ``PhaseProgress`` row is in the first phase of the default model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icommit.core.text import SHORT
from icommit.methodology.definition import PhaseModel
from icommit.teams.models import Team


class PhaseModelVersion(models.Model):
    key = models.CharField(max_length=60)
    #: The shipped version this one is, or derives from.
    version = models.PositiveIntegerField()
    #: 0 for a shipped version; 1, 2, ... for a team's successive adaptations.
    revision = models.PositiveIntegerField(default=0)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    definition = models.JSONField()
    #: The adaptations relative to the parent, as applied (see ``engine.apply_changes``).
    changes = models.JSONField(default=list, blank=True)
    note = models.TextField(_("why"), blank=True, max_length=SHORT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["key", "version", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(team__isnull=True),
                name="one_stored_shipped_phase_model",
            ),
            models.UniqueConstraint(
                fields=["team", "revision"],
                condition=Q(team__isnull=False),
                name="one_phase_model_revision_per_team",
            ),
        ]

    def __str__(self) -> str:
        if self.revision:
            return f"{self.key} v{self.version}, local {self.revision}"
        return f"{self.key} v{self.version}"

    @property
    def is_shipped(self) -> bool:
        return self.team_id is None

    def model(self) -> PhaseModel:
        return PhaseModel.from_dict(self.definition)


class PhaseProgress(models.Model):
    """Where a team stands: its current phase and the model version it follows."""

    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="phase_progress")
    model_version = models.ForeignKey(PhaseModelVersion, on_delete=models.PROTECT, related_name="+")
    phase_key = models.CharField(max_length=40)
    entered_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.team_id}: {self.phase_key}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class TaskState(models.Model):
    """The state of one phase task for one team; task ids are stable across model versions."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="phase_task_states")
    task_id = models.CharField(max_length=120)
    state = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    evidence = models.TextField(_("evidence"), blank=True, max_length=SHORT)
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "task_id"], name="one_state_per_phase_task"),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(evidence=""), name="done_task_has_evidence"
            ),
            models.CheckConstraint(
                condition=~Q(state="not_applicable") | ~Q(reason=""),
                name="not_applicable_task_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.state}"


class Direction(models.TextChoices):
    FORWARD = "forward", _("Move on")
    BACK = "back", _("Move back")


class PhaseMove(models.Model):
    """One move of a team from one phase to the next or the previous one."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="phase_moves")
    from_key = models.CharField(max_length=40)
    to_key = models.CharField(max_length=40)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    gate_met = models.BooleanField()
    readiness = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT)
    model_version = models.ForeignKey(PhaseModelVersion, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField()
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_key} → {self.to_key}"
