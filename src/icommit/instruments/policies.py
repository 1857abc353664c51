"""Instruments (questionnaire definitions): everyone signed in reads them, administrators publish.

A published version never changes; publishing (importing a YAML or XLSForm file) is a platform
administrator's job, as are the other content versions of the platform.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.instruments.models import InstrumentVersion

A = Action


class InstrumentPolicy(Policy):
    model = InstrumentVersion
    view_action = A.INSTRUMENT_VIEW
    global_actions = frozenset({A.INSTRUMENT_VIEW, A.INSTRUMENT_IMPORT})
    object_actions = frozenset({A.INSTRUMENT_VIEW})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.INSTRUMENT_VIEW:
            return not facts.learner_only  # an external learner reaches only their training
        if action == A.INSTRUMENT_IMPORT:
            return facts.is_admin
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or action != A.INSTRUMENT_VIEW or facts.learner_only:
            return qs.none()
        return qs
