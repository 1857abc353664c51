"""The web kit's own entries: the home page and the audit log in the navigation, and the job
that verifies the audit chain."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can
from icommit.core import jobs
from icommit.core.http import Person
from icommit.web import registry


def _may_read_audit(user: Person, facts: Any) -> bool:
    return can(user, Action.AUDIT_VIEW)


registry.nav_item("home", _("Home"), "web:home", "home", order=0)
registry.nav_item("audit", _("Audit log"), "web:audit", "shield-check", 90, _may_read_audit)
registry.nav_section("web", "home")
registry.nav_section("web:audit", "audit")
registry.nav_section("web:confirm", "")  # a confirmation belongs to the page it came from
jobs.register("audit.verify", "icommit.web.audit_jobs.chain_verify_job")
