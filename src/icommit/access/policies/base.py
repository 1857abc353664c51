"""The policy contract: ``can`` and ``visible`` must agree for every user and object."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts


class Policy:
    #: The model whose objects this policy guards (None for actions without an object).
    model: ClassVar[type[Model] | None] = None
    #: The action that decides whether an object exists for the user at all.
    view_action: ClassVar[Action | None] = None
    #: Actions that take no object (creating, listing).
    global_actions: ClassVar[frozenset[Action]] = frozenset()
    #: Actions on one object.
    object_actions: ClassVar[frozenset[Action]] = frozenset()

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        raise NotImplementedError

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    @property
    def actions(self) -> frozenset[Action]:
        return self.global_actions | self.object_actions
