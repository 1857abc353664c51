"""Authentication by email and password, and ``user.has_perm(action, obj)`` answered by policies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from icommit.access.actions import Action
from icommit.access.registry import can


class PolicyBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        try:
            action = Action(perm)
        except ValueError:
            return False
        return can(user_obj, action, obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
