"""`relaydesk apitoken create --user EMAIL [--scope write] [--days 90] [--name NAME]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from relaydesk.accounts.models import User
from relaydesk.api import tokens
from relaydesk.api.models import Scope


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token.")
        create.add_argument("--user", required=True, help="The user's email address.")
        create.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        create.add_argument("--days", type=int, default=None, help="Expire after N days.")
        create.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["user"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        try:
            raw = tokens.issue(
                user=user, name=options["name"], scope=options["scope"], days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)
