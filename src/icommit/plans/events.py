"""The audit event types of plans: goals, actions, progress notes, risks and reminders.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("plan.goal_create", _("Created a goal"))
event_type("plan.goal_update", _("Changed a goal"))
event_type("plan.action_create", _("Created an action"))
event_type("plan.action_update", _("Changed an action"))
event_type("plan.action_status", _("Changed the status of an action"))
event_type("plan.action_note", _("Added a progress note to an action"))
event_type("plan.action_reminder", _("Reminded the owners of an action that is due"))
event_type("plan.risk_create", _("Added a risk to the risk register"))
event_type("plan.risk_update", _("Changed a risk"))
