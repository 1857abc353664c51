"""The audit event types of cases. Names are stored in the hash chain and never change.

Every one is confidential to the team: the team's history does not show case activity (who
referred whom, that a referral matched a client, who shared what), since a team role reaches no
case; the platform audit log (administrators, the data-protection officer) shows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("case.referred", _("Referred a person to the team"), confidential_to_team=True)
event_type("case.accepted", _("Accepted a referral as a case"), confidential_to_team=True)
event_type("case.moved", _("Moved a case to another stage"), confidential_to_team=True)
event_type("case.updated", _("Changed a case's purpose or dates"), confidential_to_team=True)
event_type(
    "case.participant_added", _("Added an organisation to a case"), confidential_to_team=True
)
event_type("case.participant_left", _("An organisation left a case"), confidential_to_team=True)
event_type(
    "case.transferred",
    _("Transferred a case to another lead organisation"),
    confidential_to_team=True,
)
event_type("case.identity_recorded", _("Recorded who a client is"), confidential_to_team=True)
event_type("case.identity_searched", _("Searched clients by identity"), confidential_to_team=True)
event_type(
    "case.relative_added", _("Recorded a relative or contact person"), confidential_to_team=True
)
event_type(
    "case.capacity_recorded", _("Recorded a minor's capacity to consent"), confidential_to_team=True
)
event_type(
    "case.match_noticed",
    _("A new referral may concern a client of this case"),
    confidential_to_team=True,
)
event_type(
    "case.match_seen", _("Saw a notice of a possible earlier referral"), confidential_to_team=True
)
event_type("case.note_recorded", _("Recorded a note on a case"), confidential_to_team=True)
event_type(
    "case.consent_recorded",
    _("Recorded a consent, agreement or release"),
    confidential_to_team=True,
)
event_type(
    "case.consent_withdrawn", _("Recorded the withdrawal of a consent"), confidential_to_team=True
)
event_type("case.shared", _("Took a sharing decision on a case"), confidential_to_team=True)
event_type("case.share_ended", _("Ended a sharing decision on a case"), confidential_to_team=True)
event_type(
    "case.share_requested",
    _("Asked for information to be shared further"),
    confidential_to_team=True,
)
event_type(
    "case.danger_confirmed",
    _("Confirmed a share because of imminent danger"),
    confidential_to_team=True,
)
event_type(
    "case.danger_reviewed",
    _("Reviewed a share because of imminent danger"),
    confidential_to_team=True,
)
event_type(
    "case.restriction_requested",
    _("Recorded a request to restrict processing"),
    confidential_to_team=True,
)
event_type(
    "case.restriction_decided",
    _("Decided a request to restrict processing"),
    confidential_to_team=True,
)
event_type(
    "case.restriction_lifted", _("Lifted the restriction of processing"), confidential_to_team=True
)
event_type("case.opened", _("Opened a case, note or identity"), confidential_to_team=True)
