"""The audit event types of instruments: publishing a version, erasing a person's answer sets.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("instrument.version.published", _("Published a new version of an instrument"))
event_type("instrument.responses.erased", _("Erased a person's answer sets and their key"))
