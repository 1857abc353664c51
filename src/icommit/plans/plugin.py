"""What plans plugs in: its policy, API router, reminder schedule and team-page links."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.access import registry
from icommit.api import registry as api
from icommit.core import jobs, schedules
from icommit.plans.policies import PlanPolicy
from icommit.web import registry as web

registry.register(PlanPolicy)
api.router("/teams/{team_id}/plan", "icommit.plans.api.router")
schedules.register("plan action reminders", "icommit.plans.reminders.plan_reminders_send", 24 * 60)
web.team_link(_("Goals and action plan"), "plans:plan", 40)
web.team_link(_("Risk register"), "plans:risks", 41)
web.nav_section("plans", "teams")
jobs.register("plan.pdf", "icommit.plans.exports.plan_pdf")
