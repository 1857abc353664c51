"""``icommit env``: every setting icommit reads from the environment, and whether it is set."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from icommit.config import KNOWN

SECRET_WORDS = ("SECRET", "PASSWORD", "KEYS")


class Command(BaseCommand):
    help = "List the ICOMMIT_* settings icommit reads, and which are set (secrets not shown)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, description in sorted(KNOWN.items()):
            value = os.environ.get(name)
            if value is None:
                shown = "(not set)"
            elif any(word in name for word in SECRET_WORDS) and not name.endswith("_FILE"):
                shown = "(set, hidden)"
            else:
                shown = value
            self.stdout.write(f"{name:<32} {shown:<24} {description}")
