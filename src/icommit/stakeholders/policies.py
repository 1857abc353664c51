"""Organisations: a directory every signed-in person may read; its own administrators edit it.

A role profile is written and confirmed only by confirmed members of its own organisation —
not by other organisations and not by platform administrators; whoever may see the
organisation may read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.stakeholders.models import Organisation

A = Action


class OrganisationPolicy(Policy):
    model = Organisation
    view_action = A.ORGANISATION_VIEW
    global_actions = frozenset({A.ORGANISATION_CREATE})
    object_actions = frozenset(
        {
            A.ORGANISATION_VIEW,
            A.ORGANISATION_EDIT,
            A.ORGANISATION_ARCHIVE,
            A.ORGANISATION_SET_FLAGS,
            A.ORGANISATION_MANAGE_MEMBERS,
            A.ORGANISATION_APPOINT_ADMIN,
            A.ORGANISATION_HISTORY,
        }
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.ORGANISATION_CREATE:
            return facts.is_admin
        if obj is None:
            return False
        archived = obj.archived_at is not None
        if action == A.ORGANISATION_VIEW:
            if facts.learner_only:  # an external learner's account reaches only their training
                return False
            return not archived or facts.is_admin or obj.pk in facts.org_ids
        if action == A.ORGANISATION_HISTORY:
            return facts.is_admin or obj.pk in facts.org_admin_ids
        if archived:
            return False
        if action == A.ORGANISATION_EDIT:
            return facts.is_admin or obj.pk in facts.org_admin_ids
        if action in {
            A.ORGANISATION_SET_FLAGS,
            A.ORGANISATION_ARCHIVE,
            A.ORGANISATION_APPOINT_ADMIN,
        }:
            return facts.is_admin
        if action == A.ORGANISATION_MANAGE_MEMBERS:
            return obj.pk in facts.org_admin_ids
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        if action == A.ORGANISATION_VIEW:
            if facts.learner_only:
                return qs.none()
            if facts.is_admin:
                return qs
            return qs.filter(Q(archived_at__isnull=True) | Q(pk__in=facts.org_ids))
        if action == A.ORGANISATION_HISTORY:
            return qs if facts.is_admin else qs.filter(pk__in=facts.org_admin_ids)
        live = qs.filter(archived_at__isnull=True)
        if action == A.ORGANISATION_EDIT:
            return live if facts.is_admin else live.filter(pk__in=facts.org_admin_ids)
        if action in {
            A.ORGANISATION_SET_FLAGS,
            A.ORGANISATION_ARCHIVE,
            A.ORGANISATION_APPOINT_ADMIN,
        }:
            return live if facts.is_admin else qs.none()
        if action == A.ORGANISATION_MANAGE_MEMBERS:
            return live.filter(pk__in=facts.org_admin_ids)
        return qs.none()


class RoleProfilePolicy(Policy):
    """The object is the organisation whose profile it is."""

    model = Organisation
    view_action = A.ORGANISATION_VIEW
    object_actions = frozenset({A.ORGANISATION_PROFILE_EDIT})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if action == A.ORGANISATION_VIEW:
            return OrganisationPolicy().can(facts, action, obj)
        if not facts.active or obj is None:
            return False
        if action != A.ORGANISATION_PROFILE_EDIT:
            return False
        if obj.archived_at is not None:
            return False
        return obj.pk in facts.org_ids

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if action == A.ORGANISATION_VIEW:
            return OrganisationPolicy().visible(facts, action, qs)
        if not facts.active or action != A.ORGANISATION_PROFILE_EDIT:
            return qs.none()
        return qs.filter(archived_at__isnull=True, pk__in=facts.org_ids)
