"""``icommit admin create --email E --name N``: the first platform administrator of an installation.

The account gets no password: the command prints a one-time link to set one. The person enrols
their second factor at first login, like everyone else.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from icommit.access.roles import PlatformRole
from icommit.accounts.services import platform_role_grant, set_password_link, user_get_or_create
from icommit.core.exceptions import IcommitError


class Command(BaseCommand):
    help = "Create a platform administrator (or give an existing account that role)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create the account and print a set-password link")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="", help="full name (needed for a new account)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                user, created = user_get_or_create(
                    actor=None, email=options["email"], full_name=options["name"]
                )
                platform_role_grant(actor=None, user=user, role=PlatformRole.ADMINISTRATOR)
        except IcommitError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{user.email} is a platform administrator.")
        if created or not user.has_usable_password():
            self.stdout.write(
                f"Set the password here (the link works once): {set_password_link(user)}"
            )
