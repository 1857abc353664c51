"""The audit event types of cases. Names are stored in the hash chain and never change."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("case.referred", _("Referred a person to the team"))
event_type("case.accepted", _("Accepted a referral as a case"))
event_type("case.moved", _("Moved a case to another stage"))
event_type("case.updated", _("Changed a case's purpose or dates"))
event_type("case.participant_added", _("Added an organisation to a case"))
event_type("case.participant_left", _("An organisation left a case"))
event_type("case.transferred", _("Transferred a case to another lead organisation"))
event_type("case.identity_recorded", _("Recorded who a client is"))
event_type("case.identity_searched", _("Searched clients by identity"))
event_type("case.relative_added", _("Recorded a relative or contact person"))
event_type("case.capacity_recorded", _("Recorded a minor's capacity to consent"))
event_type("case.match_noticed", _("A new referral may concern a client of this case"))
event_type("case.match_seen", _("Saw a notice of a possible earlier referral"))
event_type("case.note_recorded", _("Recorded a note on a case"))
event_type("case.consent_recorded", _("Recorded a consent, agreement or release"))
event_type("case.consent_withdrawn", _("Recorded the withdrawal of a consent"))
event_type("case.shared", _("Took a sharing decision on a case"))
event_type("case.share_ended", _("Ended a sharing decision on a case"))
event_type("case.share_requested", _("Asked for information to be shared further"))
event_type("case.danger_confirmed", _("Confirmed a share because of imminent danger"))
event_type("case.danger_reviewed", _("Reviewed a share because of imminent danger"))
event_type("case.restriction_requested", _("Recorded a request to restrict processing"))
event_type("case.restriction_decided", _("Decided a request to restrict processing"))
event_type("case.restriction_lifted", _("Lifted the restriction of processing"))
event_type("case.opened", _("Opened a case, note or identity"))
