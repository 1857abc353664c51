"""The roles icommit knows: platform roles held by a user, and roles held in a team."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformRole(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Platform administrator")
    DPO = "dpo", _("Data-protection officer")
    EVALUATOR = "evaluator", _("Evaluator")
    TRAINER = "trainer", _("Trainer")
    #: may set up MSC teams (with a confirmed organisation membership); administrators grant it
    TEAM_FOUNDER = "team_founder", _("May set up teams")


class TeamRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_MANAGER = "case_manager", _("Case manager")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
