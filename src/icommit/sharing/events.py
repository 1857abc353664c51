"""The audit event types of sharing: the team's protocol and the need-to-know kernel.

Names are stored in the hash chain and never change; only their labels may. Shares and bases
are about items that only their audiences may know of: confidential to the team's history.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("protocol.row_create", _("Added a row to the sharing protocol"))
event_type("protocol.row_update", _("Changed a row of the sharing protocol"))
event_type("protocol.row_delete", _("Removed a row from the sharing protocol"))
event_type(
    "sharing.item.shared",
    _("Shared information with another organisation"),
    confidential_to_team=True,
)
event_type(
    "sharing.item.share_ended",
    _("Ended the sharing of information with an organisation"),
    confidential_to_team=True,
)
event_type(
    "sharing.basis.recorded",
    _("Recorded a consent or legal basis for sharing"),
    confidential_to_team=True,
)
event_type(
    "sharing.basis.withdrawn",
    _("Withdrew a consent or legal basis for sharing"),
    confidential_to_team=True,
)
