"""The audit event types of intervention plans, contacts and outcomes. Names are stored in the
hash chain and never change; like every case event they are confidential to the team."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type(
    "intervention.plan_created",
    _("Started the intervention plan of a case"),
    confidential_to_team=True,
)
event_type(
    "intervention.plan_reviewed",
    _("Set the next review of an intervention plan"),
    confidential_to_team=True,
)
event_type(
    "intervention.goal_added", _("Added a goal to an intervention plan"), confidential_to_team=True
)
event_type(
    "intervention.goal_changed",
    _("Changed a goal of an intervention plan"),
    confidential_to_team=True,
)
event_type(
    "intervention.measure_added",
    _("Added a measure to an intervention plan"),
    confidential_to_team=True,
)
event_type(
    "intervention.measure_changed",
    _("Changed a measure of an intervention plan"),
    confidential_to_team=True,
)
event_type(
    "intervention.scaled",
    _("Scaled the joint work on a case up or down"),
    confidential_to_team=True,
)
event_type(
    "intervention.contact_recorded",
    _("Recorded a contact with a client"),
    confidential_to_team=True,
)
event_type(
    "intervention.outcome_recorded", _("Recorded the outcome of a case"), confidential_to_team=True
)
event_type(
    "intervention.offence_reported",
    _("Reported whether new proceedings against a client are known"),
    confidential_to_team=True,
)
