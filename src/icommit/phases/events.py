"""The audit event types of phases: the team's way through the phase model.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("phases.start", _("Started the team in the phase model"))
event_type("phases.task_update", _("Changed the state of a phase task"))
event_type("phases.move", _("Moved the team to another phase"))
event_type("phases.derive", _("Derived the team's own version of the phase model"))
event_type("phases.upgrade", _("Moved the team to a newer version of the phase model"))
