"""Django's flush, which in development may also empty the append-only audit tables."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush

from icommit.core.audit_guard import purge_allowed


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            super().handle(**options)
            return
        with purge_allowed(options.get("database", "default")):
            super().handle(**options)
