"""The audit event types core records itself: reading and verifying the audit log, exports,
key rotation.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("audit.read", _("Read the audit log"))
event_type("export.start", _("Started preparing a file for download"))
event_type("export.download", _("Downloaded an exported file"))
event_type("keys.rotate", _("Re-encrypted the data keys under the newest master key"))
event_type("audit.chain.verified", _("Verified the audit log: its chain is intact"))
event_type("audit.chain.failed", _("Verified the audit log: its chain does not verify"))
