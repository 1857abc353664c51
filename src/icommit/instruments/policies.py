"""Instruments (questionnaire definitions): everyone signed in reads them, administrators publish.

A published version never changes; publishing (importing a YAML or XLSForm file) is a platform
administrator's job, as are the other content versions of the platform. The answer key of a test
(the scores of a knowledge check's choices) is read only by platform administrators and trainers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole
from icommit.instruments.models import InstrumentVersion

A = Action


class InstrumentPolicy(Policy):
    model = InstrumentVersion
    view_action = A.INSTRUMENT_VIEW
    global_actions = frozenset({A.INSTRUMENT_VIEW, A.INSTRUMENT_IMPORT, A.INSTRUMENT_ANSWER_KEY})
    object_actions = frozenset({A.INSTRUMENT_VIEW})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.INSTRUMENT_VIEW:
            return not facts.learner_only  # an external learner reaches only their training
        if action == A.INSTRUMENT_IMPORT:
            return facts.is_admin
        if action == A.INSTRUMENT_ANSWER_KEY:
            return _manages_training(facts)
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or action != A.INSTRUMENT_VIEW or facts.learner_only:
            return qs.none()
        return qs


def _manages_training(facts: Facts) -> bool:
    if facts.learner_only:
        return False
    return facts.is_admin or facts.has_role(PlatformRole.TRAINER)
