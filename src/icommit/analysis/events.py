"""The audit event types of Social Diagnostics. Names are stored in the hash chain and never change.

Like the case events, every one is confidential to the team (the team's history shows no case
activity); details are sealed with the client's key and never hold a rating or a client's words.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("analysis.opened", _("Started a Social Diagnostics analysis"), confidential_to_team=True)
event_type(
    "analysis.perspective_saved", _("Saved a perspective as a draft"), confidential_to_team=True
)
event_type(
    "analysis.perspective_submitted", _("Submitted a perspective"), confidential_to_team=True
)
event_type(
    "analysis.perspective_changed", _("Changed a submitted perspective"), confidential_to_team=True
)
event_type("analysis.formulation_agreed", _("Agreed a case formulation"), confidential_to_team=True)
event_type("analysis.erased", _("Erased a client's Social Diagnostics"), confidential_to_team=True)
