"""The audit event types of teams: the team, its organisations, members and invitations.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("team.create", _("Created the team"))
event_type("team.update", _("Changed the team's name, place or scope"))
event_type("team.archive", _("Archived the team"))
event_type("team.organisation_add", _("Added an organisation to the team"))
event_type("team.organisation_remove", _("Ended an organisation's participation in the team"))
event_type("team.member_add", _("Added a member to the team"))
event_type("team.member_role", _("Changed a member's role in the team"))
event_type("team.member_remove", _("Removed a member from the team"))
event_type("team.invite", _("Invited someone to the team"))
event_type("team.invitation_accept", _("Accepted an invitation to the team"))
event_type("team.invitation_revoke", _("Withdrew an invitation to the team"))
