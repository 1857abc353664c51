"""``icommit retention [--dry-run]``: apply the retention periods to closed cases now (or list
what would go), as the daily scheduled task does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from icommit.dataprotection.models import RunTrigger
from icommit.dataprotection.services import retention_run


class Command(BaseCommand):
    help = "Remove what has expired after case closure, or with --dry-run list it only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = retention_run(actor=None, dry_run=options["dry_run"], trigger=RunTrigger.COMMAND)
        if run.unset:
            self.stderr.write(
                "WARNING: no retention period set for: "
                + ", ".join(run.unset)
                + ". Nothing of these categories is ever removed automatically."
            )
        verb = "would go" if run.dry_run else "went"
        for entry in run.listing:
            what = entry["action"]
            if what == "delete":
                what = f"delete {entry['items']} item(s) of {entry['category']}"
            self.stdout.write(
                f"{entry['case']} ({entry['team']}, closed {entry['closed']}): {what}"
            )
        self.stdout.write(
            f"{len(run.listing)} entr{'y' if len(run.listing) == 1 else 'ies'} {verb}; "
            f"counts: {run.counts or {}}"
        )
