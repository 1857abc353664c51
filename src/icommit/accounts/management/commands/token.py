"""``icommit token create --user EMAIL [--days N] [--scope read|write]`` prints a new API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from icommit.accounts.models import User
from icommit.accounts.tokens import MAX_DAYS, token_create
from icommit.core.exceptions import IcommitError


class Command(BaseCommand):
    help = "Create a personal API token for a user (for scripts)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True, help="email of the token's owner")
        create.add_argument(
            "--days", type=int, default=30, help=f"lifetime in days (1..{MAX_DAYS})"
        )
        create.add_argument("--scope", choices=["read", "write"], default="read")
        create.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {options['user']}.")
        try:
            _token, clear = token_create(
                actor=user, name=options["name"], days=options["days"], scope=options["scope"]
            )
        except IcommitError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(clear)
