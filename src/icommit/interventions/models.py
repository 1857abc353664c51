"""The intervention plan of a case, the contacts with the client, outcomes and new offences.

The plan is one shared item per case, held by the lead organisation: every read goes through
the sharing kernel, so an organisation sees it (and its measures) only once the lead shared it.
Goals, measures and scale decisions belong to the plan and are seen with it. Contacts and
outcomes are facts of the case seen by the organisations taking part; a report of new offences
is a shared item of the justice agency that made it. What people write about the client is
encrypted with the client's key; the coarse statuses are plain columns that erasure deletes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedTextField
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.sharing.models import AudienceRow, SharedItem
from icommit.stakeholders.models import Organisation

PLAN_CATEGORY = "plan"
OFFENCE_CATEGORY = "offence"
#: The life domain of a goal across domains; every other domain is one of the Social
#: Diagnostics instrument's (``selectors.domain_titles``).
GENERAL_DOMAIN = "general"


class Intensity(models.TextChoices):
    """How intensely the team works with the client (scaled up or down at a review)."""

    LOW = "low", _("low: occasional contact")
    MEDIUM = "medium", _("medium: regular support")
    HIGH = "high", _("high: intensive joint work")


class Plan(SharedItem):
    """The intervention plan of one case, held by the lead organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="intervention_plan"
    )
    next_review = models.DateField(_("next review of the plan"), null=True, blank=True)
    intensity = models.CharField(
        _("level of intensity"), max_length=20, choices=Intensity.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intervention plan")


class PlanAudience(AudienceRow):
    item = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class Goal(models.Model):
    """A goal of the plan in one life domain (or "general"), with the team plans' statuses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("life domain"), max_length=40)
    statement = EncryptedTextField(_("goal"), subject="plan.case.client.subject_key_id")
    lifecycle_status = models.CharField(
        _("status"),
        max_length=20,
        choices=GoalLifecycleStatus.choices,
        default=GoalLifecycleStatus.ACTIVE,
    )
    achievement_status = models.CharField(
        _("progress"),
        max_length=20,
        choices=GoalAchievement.choices,
        default=GoalAchievement.IN_PROGRESS,
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    #: set by goal_create / goal_update: the organisations whose share of the plan ended because
    #: the goal brought the plan a data category their share does not pass (not stored)
    shares_ended: list[Any]

    class Meta:
        ordering = ["created_at", "pk"]


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Measure(models.Model):
    """What one organisation taking part does towards a goal, by when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    #: None: agreed (e.g. at a case conference) before the case manager tied it to a goal
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="measures"
    )
    what = EncryptedTextField(_("measure"), subject="plan.case.client.subject_key_id")
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    #: where the measure was agreed, as a reference (e.g. "conference" and the minutes part's id)
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status_at = models.DateTimeField(null=True, blank=True)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]


class ScaleDecision(models.Model):
    """Scaling the joint work up or down: the new level, from when, and why (encrypted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="scale_decisions")
    intensity = models.CharField(_("level of intensity"), max_length=20, choices=Intensity.choices)
    previous = models.CharField(max_length=20, choices=Intensity.choices, blank=True)
    on = models.DateField(_("from"))
    reason = EncryptedTextField(_("reason"), subject="plan.case.client.subject_key_id")
    source_kind = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "decided_at", "pk"]

    @property
    def direction(self) -> str:
        order = list(Intensity.values)
        if not self.previous:
            return "set"
        return "up" if order.index(self.intensity) > order.index(self.previous) else "down"


class PlanEvent(models.Model):
    """One line of the plan's history: what changed, by which organisation (no client's words;
    the full change is in the audit log, sealed with the client's key)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    #: an event code of ``events.py`` (without its "intervention." prefix)
    what = models.CharField(max_length=40)
    #: a coarse value (a life domain, a status, a level, a date, the responsible organisation),
    #: still about the client: sealed with the client's key (security review S7)
    detail = EncryptedTextField(
        subject="plan.case.client.subject_key_id", null=True, blank=True, default=""
    )

    class Meta:
        ordering = ["-at", "-pk"]


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    PHONE = "phone", _("phone call")
    MESSAGE = "message", _("message")
    HOME_VISIT = "home_visit", _("home visit")
    OTHER = "other", _("other")


class Contact(models.Model):
    """That an organisation had contact with the client on a day: no content, only the fact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-recorded_at", "pk"]
        indexes = [models.Index(fields=["case", "on"])]


class HousingStatus(models.TextChoices):
    OWN = "own", _("own or rented home")
    FAMILY = "family", _("living with family")
    SUPPORTED = "supported", _("supported housing")
    TEMPORARY = "temporary", _("temporary or emergency housing")
    HOMELESS = "homeless", _("homeless")
    CUSTODY = "custody", _("in custody")
    UNKNOWN = "unknown", _("unknown")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("employed")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    TRAINING = "training", _("in vocational training")
    SEEKING = "seeking", _("seeking work")
    NOT_WORKING = "not_working", _("not working")
    UNKNOWN = "unknown", _("unknown")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class EducationStatus(models.TextChoices):
    IN_SCHOOL = "in_school", _("in school")
    STUDYING = "studying", _("studying")
    COMPLETED = "completed", _("completed a qualification")
    DROPPED_OUT = "dropped_out", _("left without a qualification")
    NONE = "none", _("not in education")
    UNKNOWN = "unknown", _("unknown")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


class Outcome(models.Model):
    """Where the client stands at closure (follow-up 0) or at a follow-up after closure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    followup = models.PositiveSmallIntegerField(_("follow-up"))
    on = models.DateField(_("date"))
    housing = models.CharField(_("housing"), max_length=20, choices=HousingStatus.choices)
    work = models.CharField(_("work"), max_length=20, choices=WorkStatus.choices)
    education = models.CharField(_("education"), max_length=20, choices=EducationStatus.choices)
    client_account = EncryptedTextField(
        _("the client's own account of progress"),
        subject="case.client.subject_key_id",
        null=True,
        blank=True,
        default="",
    )
    #: the organisation recording it (the lead's)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["followup"]
        constraints = [
            models.UniqueConstraint(fields=["case", "followup"], name="outcome_followup_once"),
        ]


class OffenceStatus(models.TextChoices):
    """What a justice agency reports: whether new proceedings against the client are known to
    it, and their stage. An investigation or a charge is no finding of guilt."""

    NONE_KNOWN = "none_known", _("no new proceedings known")
    INVESTIGATION = "investigation", _("new investigation")
    CHARGE = "charge", _("new charge")
    CONVICTION = "conviction", _("new conviction")


#: The statuses saying that new proceedings exist (the agency gives its reference number).
PROCEEDINGS = frozenset(
    {OffenceStatus.INVESTIGATION, OffenceStatus.CHARGE, OffenceStatus.CONVICTION}
)


class OffenceReport(SharedItem):
    """A justice agency's report whether new proceedings are known and their stage: a reference
    to its own records, no details of any offence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("new proceedings"), max_length=20, choices=OffenceStatus.choices)
    on = models.DateField(_("date"))
    reference = EncryptedTextField(
        _("the agency's reference number"),
        subject="case.client.subject_key_id",
        null=True,
        blank=True,
        default="",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-recorded_at"]
        verbose_name = _("report of new offences")


class OffenceAudience(AudienceRow):
    item = models.ForeignKey(OffenceReport, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )
