"""The audit event types of diagnostics: rounds, answers and recommendations.

Who answered a round, and when, is confidential towards the team (decision 0009): no team
history lists ``diagnostics.round.participated``. Names are stored in the hash chain and never
change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("diagnostics.round.opened", _("Opened a diagnostics round"))
event_type("diagnostics.round.invited", _("Invited the team to a diagnostics round"))
event_type("diagnostics.round.reminded", _("Reminded those who have not answered a round"))
event_type("diagnostics.round.closed", _("Closed a diagnostics round"))
event_type(
    "diagnostics.round.participated",
    _("Answered the questionnaire of a diagnostics round"),
    confidential_to_team=True,
)
event_type("diagnostics.recommendation.planned", _("Turned a recommendation into the plan"))
