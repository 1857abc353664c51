"""The goal vocabulary of icommit, after HL7 FHIR R4 ``Goal``: defined once, used by every plan.

Team plans use it now and case plans (intervention plans) reuse it later, so the codes here
are the FHIR codes and must not change; only the labels are ours and translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalLifecycleStatus(models.TextChoices):
    """FHIR ``Goal.lifecycleStatus`` (the subset a team or case plan needs)."""

    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on-hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class GoalAchievement(models.TextChoices):
    """FHIR ``Goal.achievementStatus``."""

    IN_PROGRESS = "in-progress", _("In progress")
    IMPROVING = "improving", _("Improving")
    WORSENING = "worsening", _("Worsening")
    NO_CHANGE = "no-change", _("No change")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not-achieved", _("Not achieved")


#: Lifecycle states in which a goal is finished and its open actions no longer count as due.
CLOSED_LIFECYCLE = frozenset({GoalLifecycleStatus.COMPLETED, GoalLifecycleStatus.CANCELLED})
