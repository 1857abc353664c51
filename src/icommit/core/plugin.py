"""What core itself plugs in at start-up: its system checks and its signal receivers."""

from __future__ import annotations

from django.apps import apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_save

from icommit.core import checks, crypto  # noqa: F401 (registers the system checks)
from icommit.core.audit_guard import register_sqlite_function
from icommit.core.schedules import schedules_after_migrate
from icommit.core.text import guard_model_text

connection_created.connect(register_sqlite_function, dispatch_uid="icommit_audit_guard")
pre_save.connect(guard_model_text, dispatch_uid="icommit_text_guard")
post_migrate.connect(
    schedules_after_migrate, sender=apps.get_app_config("core"), dispatch_uid="icommit_schedules"
)
