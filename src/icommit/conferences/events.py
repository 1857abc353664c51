"""The audit event types of case conferences. Names are stored in the hash chain and never change.

Events about a case (agenda entries, parts of the minutes) are confidential to the team and
sealed with the client's key, as case events are; creating a conference and its attendance are
team events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("conference.created", _("Convened a case conference"))
event_type("conference.updated", _("Changed a case conference or its attendees"))
event_type(
    "conference.agenda_added", _("Put a case on a conference agenda"), confidential_to_team=True
)
event_type(
    "conference.agenda_removed",
    _("Took a case off a conference agenda"),
    confidential_to_team=True,
)
event_type("conference.agenda_moved", _("Reordered a conference agenda"), confidential_to_team=True)
event_type(
    "conference.part_opened",
    _("Opened the minutes of a case at a conference"),
    confidential_to_team=True,
)
event_type(
    "conference.part_updated",
    _("Wrote the minutes of a case at a conference"),
    confidential_to_team=True,
)
event_type(
    "conference.part_circulated",
    _("Sent the minutes of a case out for confirmation"),
    confidential_to_team=True,
)
event_type(
    "conference.part_confirmed",
    _("Confirmed the minutes of a case at a conference"),
    confidential_to_team=True,
)
event_type(
    "conference.part_frozen",
    _("Froze the minutes of a case at a conference"),
    confidential_to_team=True,
)
event_type(
    "conference.part_corrected",
    _("Started a correction of the minutes of a case"),
    confidential_to_team=True,
)
event_type(
    "conference.part_applied",
    _("Took a conference's review date, scale and actions into the case"),
    confidential_to_team=True,
)
