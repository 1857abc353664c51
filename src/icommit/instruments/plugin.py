"""What instruments plugs in: its policy, API router and navigation entry."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from icommit.access import registry
from icommit.api import registry as api
from icommit.instruments.policies import InstrumentPolicy
from icommit.instruments.shipped import shipped_after_migrate
from icommit.web import registry as web

registry.register(InstrumentPolicy)
api.router("/instruments", "icommit.instruments.api.router")


# --- training people: an external learner's account reaches no instrument (training work) ---
def _may_see_instruments(user: Any, facts: Any) -> bool:
    return not facts.learner_only


web.nav_item(
    "instruments",
    _("Instruments"),
    "instruments:list",
    "clipboard-document-list",
    30,
    _may_see_instruments,
)
# --- end training people ---
web.nav_section("instruments", "instruments")
post_migrate.connect(
    shipped_after_migrate,
    sender=apps.get_app_config("instruments"),
    dispatch_uid="icommit_instruments",
)
