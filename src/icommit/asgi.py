"""ASGI entry point (icommit is served by gunicorn's sync workers; this exists for tooling)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icommit.settings")
application = get_asgi_application()
