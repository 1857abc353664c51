"""The audit event types of privacy operations. Names are stored in the hash chain and never
change. Events about one case are confidential to the team; their details hold counts, codes and
case numbers, never a client's values."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("dataprotection.period.set", _("Set a retention period"))
event_type("dataprotection.retention.ran", _("Ran the retention of closed cases"))
event_type(
    "dataprotection.items.expired",
    _("Deleted items whose retention period had expired"),
    confidential_to_team=True,
)
event_type("dataprotection.client.erased", _("Erased a client"), confidential_to_team=True)
event_type(
    "dataprotection.case.anonymised",
    _("Anonymised a case for statistics"),
    confidential_to_team=True,
)
event_type(
    "dataprotection.export.requested",
    _("Recorded a client's request for a copy of their data"),
    confidential_to_team=True,
)
event_type(
    "dataprotection.export.answered",
    _("Released or restricted an organisation's part of a data export"),
    confidential_to_team=True,
)
event_type(
    "dataprotection.export.opened",
    _("Prepared a data-subject export file"),
    confidential_to_team=True,
)
event_type("dataprotection.record.opened", _("Prepared the record of processing activities"))
