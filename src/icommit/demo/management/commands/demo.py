"""Load the fictional Demo City into a demo database (idempotent) and print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icommit.core.checkpoints import checkpoint_write
from icommit.demo.builder import PEOPLE, DemoRefused, build_demo


class Command(BaseCommand):
    help = "Load the Demo City demo data (only on a demo database)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            built = build_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        # Sign the demo's history at once, so `icommit audit verify` is clean before the task
        # cluster writes its first scheduled checkpoint.
        checkpoint_write()
        self.stdout.write(
            "Demo data loaded." if built else "Demo data already present; nothing changed."
        )
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for person in PEOPLE:
            roles = [str(r) for r in (person.platform_role, person.team_role) if r] or ["member"]
            self.stdout.write(f"  {person.email:<28} {', '.join(roles)}")
