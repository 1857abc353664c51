"""Who may do what in training.

- Every active user reads the courses and their own training (``training.view``).
- Trainers (the platform role) and administrators create runs; a run is managed by its own
  trainers (and administrators): sessions, enrolments, attendance, reviews, sign-off.
- Its trainers, and the coordinators of its team, enrol learners (coordinators: their team's
  members).
- A run is seen by its trainers, its learners (enrolled or asking to join), the coordinators
  of its team, administrators, and, while it is open for requests, by anyone signed in who
  may ask to join it.
- A learner's progress (an enrolment) is read by the learner and the run's trainers; only
  the learner works on it (checks, assignments, feedback), while enrolled.
- A team's coordinators read the team's training coverage (each member's "certified until")
  and set the team's certification gate.
- A certificate is read by its holder and the trainers of its run; those trainers and
  administrators revoke it.
An external learner (``learner_only``) reaches nothing but this: every other policy finds no
membership for them, and they may not create runs even if someone granted them a role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole
from icommit.teams.models import Team
from icommit.training.models import Certificate, Enrolment, EnrolmentStatus, Run

A = Action


def _teaches(facts: Facts) -> bool:
    return (facts.has_role(PlatformRole.TRAINER) or facts.is_admin) and not facts.learner_only


def _open(run: Run) -> bool:
    return run.open_for_requests and run.cancelled_at is None


class RunPolicy(Policy):
    model = Run
    view_action = A.TRAINING_RUN_VIEW
    global_actions = frozenset(
        {A.TRAINING_VIEW, A.TRAINING_RUN_CREATE, A.TRAINING_LEARNERS_APPROVE}
    )
    object_actions = frozenset(
        {A.TRAINING_RUN_VIEW, A.TRAINING_RUN_MANAGE, A.TRAINING_RUN_JOIN, A.TRAINING_RUN_ENROL}
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.TRAINING_VIEW:
            return True
        if action in (A.TRAINING_RUN_CREATE, A.TRAINING_LEARNERS_APPROVE):
            return _teaches(facts)
        if not isinstance(obj, Run):
            return False
        trains = obj.pk in facts.trainer_run_ids or (facts.is_admin and not facts.learner_only)
        if action == A.TRAINING_RUN_MANAGE:
            return trains and obj.cancelled_at is None
        coordinates = obj.team_id is not None and facts.coordinates(obj.team_id)
        if action == A.TRAINING_RUN_ENROL:
            return (trains or coordinates) and obj.cancelled_at is None
        learns = obj.pk in facts.learner_run_ids
        if action == A.TRAINING_RUN_JOIN:
            return _open(obj) and not learns and obj.pk not in facts.trainer_run_ids
        if action == A.TRAINING_RUN_VIEW:
            return trains or learns or coordinates or _open(obj)
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or qs.model is not Run:
            return qs.none()
        admin = facts.is_admin and not facts.learner_only
        trains = Q(pk__in=list(facts.trainer_run_ids))
        open_ = Q(open_for_requests=True, cancelled_at__isnull=True)
        if action == A.TRAINING_RUN_MANAGE:
            live = qs.filter(cancelled_at__isnull=True)
            return live if admin else live.filter(trains)
        coordinated = Q(team_id__in=list(facts.coordinated_team_ids))
        if action == A.TRAINING_RUN_ENROL:
            live = qs.filter(cancelled_at__isnull=True)
            return live if admin else live.filter(trains | coordinated)
        learns = Q(pk__in=list(facts.learner_run_ids))
        if action == A.TRAINING_RUN_JOIN:
            return qs.filter(open_).exclude(learns).exclude(trains)
        if action == A.TRAINING_RUN_VIEW:
            if admin:
                return qs
            return qs.filter(trains | learns | open_ | coordinated)
        return qs.none()


class EnrolmentPolicy(Policy):
    model = Enrolment
    view_action = A.TRAINING_ENROLMENT_VIEW
    object_actions = frozenset({A.TRAINING_ENROLMENT_VIEW, A.TRAINING_ENROLMENT_WORK})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active or not isinstance(obj, Enrolment):
            return False
        own = obj.learner_id == facts.user_id
        if action == A.TRAINING_ENROLMENT_WORK:
            return own and obj.status == EnrolmentStatus.ENROLLED and obj.run.cancelled_at is None
        if action == A.TRAINING_ENROLMENT_VIEW:
            admin = facts.is_admin and not facts.learner_only
            return own or obj.run_id in facts.trainer_run_ids or admin
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or qs.model is not Enrolment:
            return qs.none()
        own = Q(learner_id=facts.user_id)
        if action == A.TRAINING_ENROLMENT_WORK:
            return qs.filter(own, status=EnrolmentStatus.ENROLLED, run__cancelled_at__isnull=True)
        if action == A.TRAINING_ENROLMENT_VIEW:
            if facts.is_admin and not facts.learner_only:
                return qs
            return qs.filter(own | Q(run_id__in=list(facts.trainer_run_ids)))
        return qs.none()


class TeamTrainingPolicy(Policy):
    """The team's training coverage and certification gate: its coordinators."""

    model = Team
    view_action = A.TRAINING_COVERAGE_VIEW
    object_actions = frozenset({A.TRAINING_COVERAGE_VIEW, A.TRAINING_GATE_EDIT})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active or not isinstance(obj, Team):
            return False
        if action == A.TRAINING_COVERAGE_VIEW:
            return facts.coordinates(obj.pk)
        if action == A.TRAINING_GATE_EDIT:
            return facts.coordinates(obj.pk) and obj.archived_at is None
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or qs.model is not Team:
            return qs.none()
        mine = qs.filter(pk__in=list(facts.coordinated_team_ids))
        if action == A.TRAINING_GATE_EDIT:
            return mine.filter(archived_at__isnull=True)
        return mine if action == A.TRAINING_COVERAGE_VIEW else qs.none()


class CertificatePolicy(Policy):
    model = Certificate
    view_action = A.CERTIFICATE_VIEW
    object_actions = frozenset({A.CERTIFICATE_VIEW, A.CERTIFICATE_REVOKE})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active or not isinstance(obj, Certificate):
            return False
        admin = facts.is_admin and not facts.learner_only
        trains = obj.run_id in facts.trainer_run_ids
        if action == A.CERTIFICATE_VIEW:
            return obj.learner_id == facts.user_id or trains or admin
        if action == A.CERTIFICATE_REVOKE:
            return (trains or admin) and obj.revoked_at is None
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or qs.model is not Certificate:
            return qs.none()
        admin = facts.is_admin and not facts.learner_only
        trains = Q(run_id__in=list(facts.trainer_run_ids))
        if action == A.CERTIFICATE_VIEW:
            return qs if admin else qs.filter(Q(learner_id=facts.user_id) | trains)
        if action == A.CERTIFICATE_REVOKE:
            live = qs.filter(revoked_at__isnull=True)
            return live if admin else live.filter(trains)
        return qs.none()
