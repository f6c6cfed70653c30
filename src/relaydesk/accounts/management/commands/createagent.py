from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relaydesk.accounts.models import Access, Department, Membership, Role, User


class Command(BaseCommand):
    help = "Create an agent (or admin/supervisor) and put them in departments."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Omit to be asked; '-' for no usable password.")
        parser.add_argument(
            "--role", default=Role.AGENT, choices=[Role.ADMIN, Role.SUPERVISOR, Role.AGENT]
        )
        parser.add_argument(
            "--department", action="append", default=[], help="Department name; repeatable."
        )
        parser.add_argument("--read-only", action="store_true", help="Read-only access.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with {email} exists already.")
        password = options["password"]
        if password is None:
            import getpass

            password = getpass.getpass("Password: ")
        departments = []
        for name in options["department"]:
            try:
                departments.append(Department.objects.get(name__iexact=name))
            except Department.DoesNotExist:
                raise CommandError(f"No department named {name!r}.") from None
        try:
            user = User.objects.create_user(
                email,
                None if password == "-" else password,  # noqa: S105 ("-": no password)
                name=options["name"],
                role=options["role"],
                is_superuser=options["role"] == Role.ADMIN,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        access = Access.READ if options["read_only"] else Access.FULL
        for department in departments:
            Membership.objects.create(user=user, department=department, access=access)
        self.stdout.write(f"Created {user.role} {user.email}")
