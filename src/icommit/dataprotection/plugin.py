"""What privacy operations plug in: the policy, the daily retention run, the jobs that prepare
export and record files and those that run the pages' long work (dry run, erasure, recording a
request), the API router and the navigation entries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.api import registry as api
from icommit.core import jobs, schedules
from icommit.dataprotection.policies import DataProtectionPolicy
from icommit.web import registry as web

registry.register(DataProtectionPolicy)
schedules.register("retention", "icommit.dataprotection.services.retention_scheduled", 24 * 60)
jobs.register("dataprotection.export", "icommit.dataprotection.exports.export_file")
jobs.register("dataprotection.record", "icommit.dataprotection.exports.record_file")
jobs.download_check("dataprotection.export", "icommit.dataprotection.exports.export_download_check")
jobs.download_check("dataprotection.record", "icommit.dataprotection.exports.record_download_check")
# the long work of the pages (review finding S6): the job page shows each one's result
for _kind, _body in [
    ("dataprotection.dry_run", "dry_run"),
    ("dataprotection.erase", "erase"),
    ("dataprotection.export_request", "export_request"),
]:
    jobs.register(_kind, f"icommit.dataprotection.tasks.{_body}")
    jobs.download_check(_kind, "icommit.dataprotection.tasks.result_download_check")
api.router("/privacy", "icommit.dataprotection.api.router")


def _is_dpo(user: Any, facts: Any) -> bool:
    return registry.can(user, Action.DATAPROTECTION_RETENTION)


def _has_organisation(user: Any, facts: Any) -> bool:
    return bool(getattr(facts, "org_ids", None))


web.nav_item(
    "dataprotection",
    _("Retention and erasure"),
    "dataprotection:retention",
    "archive-box",
    86,
    _is_dpo,
)
web.nav_item(
    "data_requests",
    _("Data requests"),
    "dataprotection:exports",
    "document-arrow-down",
    87,
    _has_organisation,
)
web.nav_section("dataprotection", "dataprotection")
web.nav_section("dataprotection:exports", "data_requests")
web.nav_section("dataprotection:export", "data_requests")
web.nav_section("dataprotection:export_new", "data_requests")
web.nav_section("dataprotection:export_answer", "data_requests")
