"""What the learner's work plugs in (``register``, called by plugin.py): the home page's items for a
learner, feedback on sessions just held and the self-assessment around a run's first and
last day."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from icommit.access.facts import facts_for
from icommit.core import schedules
from icommit.training import selectors_work
from icommit.web import registry as web


def home_learner_work(*, user: Any, context: dict[str, Any], obj: Any = None) -> None:
    """Feedback and self-assessments the learner's runs ask for now (four queries; none for who
    learns in no run)."""
    for todo in selectors_work.learner_todos(user, facts_for(user).learner_run_ids):
        when = (
            timezone.localdate(todo.session.starts_at)
            if todo.session is not None
            else todo.enrolment.run.starts_on
        )
        context.setdefault("attention_items", []).append(
            {"template": "training/work/_home_attention.html", "urgency": (1, when), "todo": todo}
        )
        context["attention_count"] = context.get("attention_count", 0) + 1


def register() -> None:
    """Plug the learner's work in (called once, from plugin.py)."""
    web.panel("home.attention", "", home_learner_work, order=56)
    # closed feedback groups are written again in random order, or discarded (decision 0020)
    schedules.register(
        "training feedback settling", "icommit.training.services.surveys_settle_all", 60
    )
