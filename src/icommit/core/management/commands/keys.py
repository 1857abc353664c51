"""``icommit keys status`` reports key use; ``icommit keys rotate`` moves all to the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from icommit.core import crypto
from icommit.core.keys import keys_rotate, keys_status


class Command(BaseCommand):
    help = "Report which master keys are in use, or rotate everything to the newest one."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="print key ids and what depends on each")
        rotate = sub.add_parser(
            "rotate", help="re-wrap subject keys and recompute blind indexes under the newest key"
        )
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "rotate":
                self.rotate(options["batch_size"])
            self.status()
        except crypto.CryptoError as exc:
            raise CommandError(str(exc)) from None

    def rotate(self, batch_size: int) -> None:
        done = keys_rotate(batch_size=batch_size)
        self.stdout.write(
            f"Rotated to master key {done.master_key_id}: {done.rewrapped} subject keys "
            f"re-wrapped, {done.indexes_recomputed} blind indexes recomputed, "
            f"{done.indexes_cleared} cleared (their values were erased)."
        )

    def status(self) -> None:
        status = keys_status()
        newest, *older = status.configured
        names = [f"{newest} (newest)", *older]
        self.stdout.write(f"Master keys, newest first: {', '.join(names)}")
        per_key = ", ".join(f"{k}: {n}" for k, n in status.subject_keys.items()) or "none"
        live = sum(status.subject_keys.values())
        self.stdout.write(f"Subject keys: {live} live ({per_key}), {status.destroyed} destroyed")
        for label, counts in status.blind_indexes.items():
            per_index = ", ".join(f"{k}: {n}" for k, n in counts.items()) or "none"
            self.stdout.write(f"Blind index {label}: {per_index}")
        for label, count in status.values.items():
            self.stdout.write(f"Encrypted values {label}: {count}")
        for key_id in older:
            if key_id in status.retirable:
                self.stdout.write(f"Master key {key_id} is no longer used; it may be removed.")
            else:
                self.stdout.write(
                    f"Master key {key_id} is still used: run `icommit keys rotate` first."
                )
        if status.missing:
            raise CommandError(
                f"Master key {', '.join(status.missing)} is used but not configured in "
                f"{crypto.SETTING}: those values cannot be read until it is added back."
            )
