"""``icommit audit verify`` checks the audit chain and its checkpoints; ``audit checkpoint``
signs the chain's head now (the scheduled task does it every 15 minutes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from icommit.core.checkpoints import ChainBroken, checkpoint_write, verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain against its signed checkpoints, or write a checkpoint now."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = commands.add_parser(
            "verify",
            help="recompute every hash and link, and check every checkpoint; exit 1 on a problem",
        )
        checkpoint = commands.add_parser(
            "checkpoint", help="sign the chain's newest event into a checkpoint file now"
        )
        for sub in (verify, checkpoint):
            sub.add_argument(
                "--checkpoints",
                type=Path,
                metavar="DIR",
                help="folder of checkpoint files (default: ICOMMIT_CHECKPOINT_DIR)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "verify":
                self.verify(options["checkpoints"])
            else:
                self.checkpoint(options["checkpoints"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

    def verify(self, folder: Path | None) -> None:
        result = verify_chain(folder)
        if result.ok:
            self.stdout.write(result.summary)
            return
        for problem in result.problems:
            self.stderr.write(f"- {problem}")
        if result.more_problems:
            self.stderr.write(f"- and {result.more_problems} more")
        raise CommandError(f"{result.summary}; the first: {result.problems[0]}")

    def checkpoint(self, folder: Path | None) -> None:
        try:
            checkpoint = checkpoint_write(folder)
        except ChainBroken as exc:
            raise CommandError(f"the audit chain does not verify, nothing signed: {exc}") from None
        if checkpoint is None:
            self.stdout.write("The audit chain has not moved since the last checkpoint.")
        else:
            self.stdout.write(f"Checkpoint {checkpoint.path} signs event #{checkpoint.seq}.")
