"""The daily reminder: owners of plan actions due within a week, or overdue, get one mail.

Invariant: an action is reminded at most once per day. Each action is claimed by a conditional
UPDATE of ``last_reminded_on`` in the same transaction as its mails and audit event, so a job
that runs twice, or two workers at once, never send the same reminder twice. Mails carry the
titles of the action, its goal and the team, the due date and a link; never case data.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.outbox import mail_enqueue
from icommit.plans import selectors
from icommit.plans.models import PlanAction

log = logging.getLogger(__name__)

#: Actions due within this many days (or overdue) are reminded.
DUE_WITHIN_DAYS = 7


def recipients(action: PlanAction) -> list[User]:
    """The owner person while they sit in the team, else the team members of the owner org."""
    people: list[User] = []
    if action.owner_organisation_id is not None:
        people = selectors.organisation_team_people(
            team_id=action.team_id, organisation_id=action.owner_organisation_id
        )
    if action.owner_user_id is not None:
        owner = [p for p in people if p.pk == action.owner_user_id]
        if owner:
            return owner
    return people


def _message(action: PlanAction, today: datetime.date) -> tuple[str, str]:
    link = settings.BASE_URL + reverse(
        "plans:goal", kwargs={"team_pk": action.team_id, "pk": action.goal_id}
    )
    values = {
        "action": action.title,
        "goal": action.goal.title,
        "team": action.team.name,
        "date": action.due_date.isoformat() if action.due_date else "",
        "link": link,
    }
    if action.due_date is not None and action.due_date < today:
        subject = _("Overdue plan action: %(action)s") % values
        opening = _('The action "%(action)s" of the goal "%(goal)s" was due on %(date)s.') % values
    else:
        subject = _("Plan action due soon: %(action)s") % values
        opening = _('The action "%(action)s" of the goal "%(goal)s" is due on %(date)s.') % values
    body = "\n\n".join(
        [
            opening,
            _("Team: %(team)s") % values,
            _("Update its status or add a progress note here:\n%(link)s") % values,
            _("You get this mail because you or your organisation own the action."),
        ]
    )
    return subject, body


def _remind(action: PlanAction, today: datetime.date) -> int:
    people = recipients(action)
    if not people:
        return 0
    with transaction.atomic():
        claimed = (
            PlanAction.objects.filter(pk=action.pk)
            .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
            .update(last_reminded_on=today)
        )
        if not claimed:
            return 0
        for person in people:
            with translation.override(person.language or settings.LANGUAGE_CODE):
                subject, body = _message(action, today)
            mail_enqueue(to=person.email, subject=subject, body=body)
        audit.record(
            actor=None,
            action="plan.action_reminder",
            obj=action,
            team_id=action.team_id,
            changes={"recipients": sorted(p.pk for p in people)},
        )
    return len(people)


def plan_reminders_send(today: datetime.date | None = None) -> int:
    """Mail the owners of every action due within a week or overdue; return mails queued."""
    day = today or selectors.today()
    sent = 0
    for action in selectors.actions_due(on=day, within_days=DUE_WITHIN_DAYS):
        sent += _remind(action, day)
    log.info("plan reminders: %s mails queued", sent)
    return sent
