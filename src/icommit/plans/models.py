"""Team goals with their actions and progress notes, and the collaboration risk register.

Every row belongs to exactly one team (actions and risks carry ``team`` themselves so that
access filters and plan pages need no join through the goal). Progress notes are append-only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.core.text import LONG, SHORT
from icommit.plans import sources
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: Action states that no longer fall due.
FINISHED_ACTION = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})


class Sourced(models.Model):
    """What the goal or action was created from, as shown with it (kind, id and label as
    handed over); the sources find their planned items through ``PlanLink``."""

    # no choices: the kinds are registered by the apps that own them (plans.sources)
    source_kind = models.CharField(
        _("created from"), max_length=sources.KIND_MAX, blank=True, default=""
    )
    source_ref = models.CharField(
        _("source reference"), max_length=sources.ID_MAX, blank=True, default=""
    )
    source_label = models.CharField(
        _("source"), max_length=sources.LABEL_MAX, blank=True, default=""
    )

    class Meta:
        abstract = True

    def get_source_kind_display(self) -> str:
        return sources.label_of(self.source_kind)


class Goal(Sourced):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="", max_length=LONG)
    why = models.TextField(_("why this goal"), blank=True, default="", max_length=SHORT)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    phase_key = models.CharField(_("phase"), max_length=30, blank=True, default="")
    indicator_id = models.CharField(_("indicator"), max_length=100, blank=True, default="")
    target_value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    lifecycle_status = models.CharField(
        _("status"),
        max_length=20,
        choices=GoalLifecycleStatus.choices,
        default=GoalLifecycleStatus.ACTIVE,
    )
    achievement = models.CharField(
        _("achievement"),
        max_length=20,
        choices=GoalAchievement.choices,
        default=GoalAchievement.IN_PROGRESS,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["team", "lifecycle_status"])]

    def __str__(self) -> str:
        return self.title


class PlanAction(Sourced):
    """One action under a goal, owned by an organisation of the team (and maybe a person)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="plan_actions")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    #: The day the last reminder mail went out; at most one reminder per action per day.
    last_reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["team", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ACTION

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_date is not None and not self.is_finished and self.due_date < today


class PlanLink(models.Model):
    """The one link from a source in another app to a goal or action it was planned into.

    A goal's link has no action; an action's link names its goal too, so a source page finds
    both with one query on (team, kind, source id).
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    source_kind = models.CharField(max_length=sources.KIND_MAX)
    source_id = models.CharField(max_length=sources.ID_MAX)
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    action = models.OneToOneField(
        PlanAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["team", "source_kind", "source_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["goal"],
                condition=models.Q(action__isnull=True),
                name="one_plan_link_per_goal",
            )
        ]

    @property
    def kind(self) -> str:
        """What was planned: "goal" or "action"."""
        return "action" if self.action_id else "goal"

    @property
    def item(self) -> Goal | PlanAction:
        return self.action if self.action is not None else self.goal

    @property
    def title(self) -> str:
        return self.item.title


class ProgressNote(models.Model):
    """An append-only note on an action's progress."""

    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("progress note"), max_length=SHORT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Risk(models.Model):
    """A risk to the collaboration itself (not to or from a client)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="collaboration_risks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="", max_length=LONG)
    suggestion_key = models.CharField(max_length=50, blank=True, default="")
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mitigations = models.ManyToManyField(
        PlanAction, verbose_name=_("mitigations"), blank=True, related_name="mitigated_risks"
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-likelihood", "-impact", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5)
                & models.Q(impact__gte=1, impact__lte=5),
                name="risk_scale_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact
