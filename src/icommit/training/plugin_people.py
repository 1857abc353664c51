"""What the people pages plug in (``register``, called by plugin.py): the team page's "Training"
link, a home-page item for trainers while external learners wait for a decision, and an external
learner's home: their training, and nothing of the teams (``learner_only`` in the context); and
tells accounts how to withdraw a registration nobody activated when its address is added."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import Action
from icommit.access.facts import facts_for
from icommit.accounts.services import self_registration
from icommit.training import selectors, selectors_people, services_people
from icommit.web import registry as web


def home_external_learners(*, user: Any, context: dict[str, Any], obj: Any = None) -> None:
    """For trainers and administrators: external learners waiting for a decision (one query;
    none for anyone else)."""
    waiting = selectors_people.pending_count(user)
    if waiting:
        context.setdefault("attention_items", []).append(
            {
                "template": "training/people/_home_attention.html",
                "urgency": (1, timezone.localdate()),
                "count": waiting,
            }
        )
        context["attention_count"] = context.get("attention_count", 0) + waiting


def home_learner_only(*, user: Any, context: dict[str, Any], obj: Any = None) -> None:
    """An external learner's home shows their training (the runs, the next sessions, the
    certificates) and tells the other panels to stay away (``learner_only``)."""
    if not getattr(user, "is_authenticated", False) or not facts_for(user).learner_only:
        return
    context["learner_only"] = True
    context["learner_home"] = selectors.learner_home(user)


def register() -> None:
    """Plug the people pages in (called once, from plugin.py)."""
    web.team_link(_("Training"), "training:coverage", 70, action=Action.TRAINING_COVERAGE_VIEW)
    # a team's coverage and gate are team pages: they highlight "Teams"
    web.nav_section("training:coverage", "teams")
    web.nav_section("training:gate", "teams")
    web.panel("home.attention", "", home_external_learners, order=57)
    web.panel("home", "training/people/_home_learner.html", home_learner_only, order=5)
    self_registration(services_people.learner_registration_withdraw)
