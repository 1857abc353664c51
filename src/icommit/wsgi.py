"""WSGI entry point; in production it refuses to start unless ``check --deploy`` is clean."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icommit.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (after the app registry is ready)

if settings.PRODUCTION:
    from django.core.management import call_command

    call_command("check", deploy=True, fail_level="WARNING", databases=["default"])
