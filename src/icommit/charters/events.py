"""The audit event types of charters: charter versions and the minutes of team meetings.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("charter.draft", _("Started a draft of the charter"))
event_type("charter.update", _("Changed the draft of the charter"))
event_type("charter.publish", _("Published a new version of the charter"))
event_type("charter.discard", _("Discarded the draft of the charter"))
event_type("charter.confirm", _("Confirmed the charter for an organisation"))
event_type("meeting.create", _("Recorded a team meeting"))
event_type("meeting.update", _("Changed the minutes of a team meeting"))
event_type("meeting.circulate", _("Sent the minutes out for confirmation"))
event_type("meeting.confirm", _("Confirmed the minutes"))
event_type("meeting.freeze", _("Froze the minutes"))
event_type("meeting.correct", _("Started a correction of frozen minutes"))
event_type("meeting.decision_to_plan", _("Turned a meeting decision into the plan"))
