"""The audit event types of stakeholders: organisations, their members and role profiles.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("organisation.create", _("Created an organisation"))
event_type("organisation.update", _("Changed the name, place or sector of an organisation"))
event_type(
    "organisation.set_flags", _("Changed whether an organisation is a security or state actor")
)
event_type("organisation.archive", _("Archived an organisation"))
event_type("organisation.member_add", _("Added a member to an organisation"))
event_type("organisation.member_request", _("Asked to become a member of an organisation"))
event_type("organisation.member_confirm", _("Confirmed a member of an organisation"))
event_type("organisation.member_end", _("Ended a membership in an organisation"))
event_type("organisation.profile_save", _("Saved a new version of a role profile"))
event_type("organisation.profile_confirm", _("Confirmed a role profile"))
