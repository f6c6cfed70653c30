"""`relaydesk importcsv organizations|customers|tickets FILE [--dry-run] [--as EMAIL] [--json]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relaydesk.accounts.models import Role, User
from relaydesk.api import csvimport


class Command(BaseCommand):
    help = "Import organizations, customers or tickets from CSV; --dry-run checks only."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(csvimport.COLUMNS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check, change nothing.")
        parser.add_argument("--as", dest="actor", default="", help="An administrator's email.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        admins = User.objects.filter(role=Role.ADMIN, is_active=True)
        if options["actor"]:
            admins = admins.filter(email=options["actor"].strip().lower())
        actor = admins.order_by("pk").first()
        if actor is None:
            raise CommandError("No active administrator to import as (see --as).")
        try:
            data = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        report = csvimport.run(
            kind=options["kind"], data=data, actor=actor, dry_run=options["dry_run"]
        )
        summary = csvimport.as_dict(report)
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            for row_error in report.errors:
                where = f" [{row_error.field}]" if row_error.field else ""
                self.stdout.write(f"line {row_error.line}{where}: {row_error.message}")
            verb = "would import" if report.dry_run else "imported"
            count = summary["would_create"] if report.dry_run else summary["created"]
            self.stdout.write(f"{report.rows} rows, {verb} {count}, {len(report.errors)} errors.")
        if report.errors:
            raise CommandError("Nothing was imported: fix the rows above.")
