"""System checks that fail fast on unsafe configuration; ``check --deploy`` must report nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from icommit.core.models import Instance


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not settings.PRODUCTION:
        return errors
    if not settings.BASE_URL.startswith("https://"):
        errors.append(
            Error(
                "ICOMMIT_BASE_URL must be an https address in production.",
                hint="Set ICOMMIT_BASE_URL=https://your.host, or ICOMMIT_DEV=1 for development.",
                id="icommit.E001",
            )
        )
    if settings.DEBUG:
        errors.append(Error("Debug mode is on in production.", id="icommit.E002"))
    if not settings.MFA_REQUIRED:
        errors.append(
            Error(
                "ICOMMIT_MFA_REQUIRED=0 is allowed only with ICOMMIT_DEV=1 or ICOMMIT_DEMO=1.",
                id="icommit.E003",
            )
        )
    return errors


@register(Tags.database, deploy=True)
def not_a_demo_database(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    if not settings.PRODUCTION or not databases:
        return []
    from django.db import DatabaseError

    try:
        is_demo = Instance.objects.filter(is_demo=True).exists()
    except DatabaseError:
        return []
    if is_demo:
        return [
            Error(
                "This database holds demo data; production refuses to start on it.",
                hint="Use a new database, or start with ICOMMIT_DEMO=1.",
                id="icommit.E010",
            )
        ]
    return []
