from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relaydesk.demo.loader import WorkspaceNotEmpty, demo_logins, load_demo, workspace_is_empty


class Command(BaseCommand):
    help = "Load the demo workspace (people, settings, 300 tickets) into an empty database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already has users or tickets.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not workspace_is_empty():
            self.stdout.write("The database already has data: the demo workspace is not loaded.")
            self.print_logins()
            return
        try:
            summary = load_demo()
        except WorkspaceNotEmpty:
            raise CommandError(
                "The database already has users or tickets; the demo workspace loads only into an"
                " empty database. Use a fresh RELAYDESK_HOME or DATABASE_URL."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo workspace loaded: {summary.departments} departments, {summary.agents}"
                f" agents, {summary.customers} customers, {summary.organizations} organizations,"
                f" {summary.tickets} tickets, {summary.messages} messages."
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        logins = demo_logins()
        if logins:
            self.stdout.write("Demo sign-ins, agents at /desk/, customers at / (unless changed):")
        for role, email, password in logins:
            self.stdout.write(f"  {role:<11} {email} / {password}")
