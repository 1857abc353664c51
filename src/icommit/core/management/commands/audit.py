"""``icommit audit verify`` checks the audit chain, its details and its checkpoints;
``audit checkpoint`` signs the chain's head now (the scheduled task does it every minute)."""

from __future__ import annotations

import datetime
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
        verify.add_argument(
            "--allow-no-checkpoints",
            action="store_true",
            help="accept a chain that no checkpoint signs yet (a brand-new installation)",
        )
        verify.add_argument(
            "--max-age",
            type=int,
            metavar="MINUTES",
            help="how long events may stay unsigned, e.g. for a witness's copy that is "
            "refreshed daily (default: ICOMMIT_AUDIT_CHECKPOINT_MAX_AGE_MINUTES)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "verify":
                max_age = options["max_age"]
                if max_age is not None and max_age < 1:
                    raise CommandError("--max-age is a number of minutes, at least 1")
                self.verify(
                    options["checkpoints"],
                    allow_no_checkpoints=options["allow_no_checkpoints"],
                    max_age=None if max_age is None else datetime.timedelta(minutes=max_age),
                )
            else:
                self.checkpoint(options["checkpoints"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

    def verify(
        self,
        folder: Path | None,
        *,
        allow_no_checkpoints: bool,
        max_age: datetime.timedelta | None,
    ) -> None:
        result = verify_chain(folder, allow_no_checkpoints=allow_no_checkpoints, max_age=max_age)
        if result.erased:
            seqs = ", ".join(f"#{seq}" for seq in result.erased_seqs)
            unlisted = result.erased - len(result.erased_seqs)
            more = f" and {unlisted} more" if unlisted else ""
            self.stdout.write(
                f"erased details (subject key destroyed, not tampering): events {seqs}{more}"
            )
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
