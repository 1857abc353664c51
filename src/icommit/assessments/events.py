"""The audit event types of assessments. Names are stored in the hash chain and never change.

Events about a case are confidential to the team (as the case events are) and sealed with the
client's key; designating a risk assessor is about staff, not a client, and sealed with none.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type(
    "assessments.phase_recorded",
    _("Recorded the case-work phase of a case"),
    confidential_to_team=True,
)
event_type(
    "assessments.track_recorded",
    _("Recorded a stage of a disengagement or deradicalisation track"),
    confidential_to_team=True,
)
event_type(
    "assessments.risk_recorded",
    _("Recorded a reference to a risk assessment"),
    confidential_to_team=True,
)
event_type(
    "assessments.risk_opened", _("Opened a risk-assessment reference"), confidential_to_team=True
)
event_type("assessments.assessor_designated", _("Designated a risk assessor"))
event_type("assessments.assessor_ended", _("Ended the designation of a risk assessor"))
