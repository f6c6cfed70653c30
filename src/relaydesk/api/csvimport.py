"""CSV import of organizations, customers and tickets with their messages (AP3).

The whole file is checked row by row, each in a savepoint, through the same services as every
other entry point; every bad row is reported by its line number. Nothing is kept unless every
row is good, and a dry run never keeps anything.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Organization, Role, User
from relaydesk.accounts.services import create_customer, find_or_create_customer
from relaydesk.api import lookups
from relaydesk.api.problems import field_errors
from relaydesk.api.serialize import PRIORITY_VALUES
from relaydesk.tickets import backdate, services
from relaydesk.tickets.models import Channel, MessageKind, Ticket

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
TRUE = {"1", "yes", "true", "y", "on"}

COLUMNS: dict[str, tuple[set[str], set[str]]] = {  # kind: (required, optional)
    "organizations": ({"name"}, {"domains", "members_see_all_tickets", "notes"}),
    "customers": ({"email"}, {"name", "phone", "organization"}),
    "tickets": (
        {"ticket", "requester_email", "body"},
        {
            "subject",
            "requester_name",
            "author_email",
            "kind",
            "priority",
            "department",
            "tags",
            "status",
            "channel",
            "created_at",
            "updated_at",
        },
    ),
}


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class Report:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Batch:
    """What the rows of one import share: its tickets by key and when it started."""

    started: datetime.datetime = field(default_factory=timezone.now)
    tickets: dict[str, Ticket] = field(default_factory=dict)


class _Rollback(Exception):
    pass


def _rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    text = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    start = 2
    for row in reader:
        yield start, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        start = reader.line_num + 1


def _header_errors(kind: str, data: bytes) -> list[RowError]:
    required, optional = COLUMNS[kind]
    try:
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))), [])
    except (UnicodeDecodeError, csv.Error):
        return [RowError(1, "", _("The file is not UTF-8 CSV."))]
    names = {h.strip().lower() for h in header}
    errors = [RowError(1, n, _("Missing column.")) for n in sorted(required - names)]
    errors += [RowError(1, n, _("Unknown column.")) for n in sorted(names - required - optional)]
    return errors


def run(*, kind: str, data: bytes, actor: User, dry_run: bool) -> Report:
    """Import a CSV file of `kind` as `actor` (an administrator)."""
    if actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied(_("Only administrators import data."))
    if kind not in COLUMNS:
        raise ValidationError({"kind": _("Import organizations, customers or tickets.")})
    report = Report(kind=kind, dry_run=dry_run)
    if len(data) > MAX_BYTES:
        report.errors.append(RowError(0, "", _("The file is larger than 20 MB.")))
        return report
    report.errors = _header_errors(kind, data)
    if report.errors:
        return report
    importer = IMPORTERS[kind]
    batch = Batch()
    try:
        with transaction.atomic():
            try:
                for line, row in _rows(data):
                    report.rows += 1
                    if report.rows > MAX_ROWS:
                        report.errors.append(RowError(line, "", _("Too many rows.")))
                        break
                    try:
                        with transaction.atomic():
                            report.created += importer(row, actor, batch)
                    except ValidationError as error:
                        report.errors += [RowError(line, f, m) for f, m in field_errors(error)]
                    except PermissionDenied as error:
                        report.errors.append(RowError(line, "", str(error)))
            except csv.Error as error:
                report.errors.append(RowError(report.rows + 1, "", str(error)))
            if dry_run or report.errors:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _organization(row: dict[str, str], actor: User, _b: Batch) -> int:
    org = Organization(
        name=" ".join(row["name"].split()),
        domains=",".join(
            d.strip().lower()
            for d in row.get("domains", "").replace(";", ",").split(",")
            if d.strip()
        ),
        members_see_all_tickets=row.get("members_see_all_tickets", "").lower() in TRUE,
        notes=row.get("notes", ""),
    )
    if Organization.objects.filter(name__iexact=org.name).exists():
        raise ValidationError({"name": _("An organization with this name exists.")})
    org.full_clean()
    org.save()
    return 1


def _customer(row: dict[str, str], actor: User, _b: Batch) -> int:
    org_name = row.get("organization", "")
    organization = None
    if org_name:
        organization = Organization.objects.filter(name__iexact=org_name).first()
        if organization is None:
            raise ValidationError(
                {"organization": _("No such organization: %(v)s") % {"v": org_name[:60]}}
            )
    create_customer(
        email=row["email"],
        name=row.get("name", ""),
        phone=row.get("phone", ""),
        organization=organization,
    )
    return 1


def _moment(row: dict[str, str], name: str, batch: Batch) -> datetime.datetime | None:
    """An ISO 8601 time with its offset (`2024-03-01T09:30:00+02:00`, or `Z`), not later than
    the import."""
    text = row.get(name, "")
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.year < 1970:
        raise ValidationError(
            {name: _("Not a date and time: use ISO 8601, e.g. 2024-03-01T09:30:00+02:00.")}
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError({name: _("Give the time zone, e.g. 2024-03-01T09:30:00+02:00.")})
    if value > batch.started:
        raise ValidationError({name: _("This time is in the future.")})
    return value


def _times(
    row: dict[str, str], batch: Batch, ticket: Ticket | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The row's `created_at` (when its message was written; the first row's opens the ticket)
    and the ticket's `updated_at`, checked against each other and the ticket's earlier rows."""
    created, updated = _moment(row, "created_at", batch), _moment(row, "updated_at", batch)
    if "created_at" in row and created is None:
        raise ValidationError({"created_at": _("Give every row its time, or no row.")})
    if updated is not None and created is None:
        raise ValidationError({"updated_at": _("Give created_at too.")})
    if created is not None and ticket is not None and created < ticket.created_at:
        raise ValidationError({"created_at": _("Earlier than the ticket's first row.")})
    if created is not None and updated is not None and updated < created:
        raise ValidationError({"updated_at": _("Earlier than created_at.")})
    return created, updated


def _ticket(row: dict[str, str], actor: User, batch: Batch) -> int:
    """Rows with the same `ticket` key are one ticket: the first opens it, each later row adds
    a message (kind customer, reply or note; `author_email` an agent for replies and notes).
    With `created_at` (and `updated_at`) columns they keep their original times."""
    key = row["ticket"]
    if not key:
        raise ValidationError({"ticket": _("Give every row the key of its ticket.")})
    tickets = batch.tickets
    known = tickets.get(key)
    created_at, updated_at = _times(row, batch, known)
    after_event = backdate.last_event(known)
    previous_update = known.updated_at if known is not None else None
    requester = find_or_create_customer(row["requester_email"], row.get("requester_name", ""))
    kind = row.get("kind") or MessageKind.CUSTOMER
    if kind not in (MessageKind.CUSTOMER, MessageKind.REPLY, MessageKind.NOTE):
        raise ValidationError({"kind": _("Use customer, reply or note.")})
    priority = row.get("priority") or "normal"
    if priority not in PRIORITY_VALUES:
        raise ValidationError({"priority": _("Use low, normal, high or urgent.")})
    channel = row.get("channel") or Channel.EMAIL
    ticket = known
    if ticket is None:
        if kind != MessageKind.CUSTOMER:
            raise ValidationError({"kind": _("A ticket starts with the customer's message.")})
        ticket = services.create_ticket(
            actor=actor,
            requester=requester,
            subject=row.get("subject", ""),
            body=services.Body(row["body"]),
            channel=channel,
            department=lookups.department(row.get("department") or None),
            priority=PRIORITY_VALUES[priority],
            tags=[t for t in row.get("tags", "").replace(";", ",").split(",") if t.strip()],
        )
        tickets[key] = ticket
        created = 1
    else:
        if ticket.requester_id != requester.pk:
            raise ValidationError({"requester_email": _("Another requester than the ticket's.")})
        author = requester if kind == MessageKind.CUSTOMER else _agent(row.get("author_email", ""))
        services.add_message(
            ticket, actor=author, body=services.Body(row["body"]), internal=kind == MessageKind.NOTE
        )
        created = 0
    if row.get("status"):
        services.update_ticket(ticket, actor=actor, status=row["status"])
    if created_at is not None:
        latest = max(t for t in (created_at, updated_at, previous_update) if t is not None)
        backdate.backdate(
            ticket,
            at=created_at,
            after_event=after_event,
            started=batch.started,
            updated_at=latest,
        )
    return created


def _agent(email: str) -> User:
    agent = User.objects.filter(email=email.strip().lower()).first()
    if agent is None or not agent.is_agent:
        raise ValidationError({"author_email": _("Replies and notes need an agent's address.")})
    return agent


IMPORTERS: dict[str, Callable[[dict[str, str], User, Batch], int]] = {
    "organizations": _organization,
    "customers": _customer,
    "tickets": _ticket,
}


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "created": 0 if report.errors or report.dry_run else report.created,
        "would_create": report.created if report.dry_run and not report.errors else 0,
        "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in report.errors],
    }
