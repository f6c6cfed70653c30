"""The one path for every change to a ticket (DESIGN rule 1).

Each action is keyword-only and atomic: it checks permission, validates, writes, appends a
`TicketEvent` and queues side effects with `transaction.on_commit`. A failed action raises
`PermissionDenied` or `ValidationError` and leaves nothing behind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Access, Department, Membership, Role, User
from relaydesk.tickets import events, live
from relaydesk.tickets.attachments import store_attachments, validate_uploads
from relaydesk.tickets.fields import clean_custom_fields
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomStatus,
    Direction,
    Message,
    MessageKind,
    Priority,
    StatusCategory,
    Tag,
    Ticket,
    TicketType,
    TimeEntry,
    ticket_number,
)
from relaydesk.tickets.notifications import notify_requester
from relaydesk.tickets.text import clean_body, find_mentions
from relaydesk.tickets.visibility import (
    can_change,
    can_merge_contacts,
    can_write_in,
    is_requester_side,
    visible_tickets,
)

MAX_SUBJECT = 250
MAX_TAGS = 20
MAX_TAG_LENGTH = 50


@dataclass(frozen=True)
class Body:
    text: str
    html: str = ""


@dataclass(frozen=True)
class Origin:
    """What a channel knows of a message that came from outside: a mail's Message-ID and the
    headers worth keeping. Stored on the message; threading looks replies up by the id."""

    message_id: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _require_agent_can_change(actor: User, ticket: Ticket) -> None:
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").replace("\x00", "").split())
    if not subject:
        raise ValidationError({"subject": _("A subject is required.")})
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            {"subject": _("The subject is longer than %(max)d characters.") % {"max": MAX_SUBJECT}}
        )
    return subject


def _check_assignee(assignee: User | None, department: Department | None) -> None:
    if assignee is None:
        return
    if not assignee.is_agent:
        raise ValidationError({"assignee": _("Tickets can only be assigned to active agents.")})
    if department is None or assignee.role == Role.ADMIN:
        return
    if not Membership.objects.filter(
        user=assignee, department=department, access=Access.FULL
    ).exists():
        raise ValidationError(
            {
                "assignee": _("%(agent)s does not work in %(department)s.")
                % {"agent": assignee.display_name, "department": department.name}
            }
        )


def _check_department_for(actor: User | None, department: Department | None) -> None:
    if department is not None and not department.is_active:
        raise ValidationError({"department": _("This department is not active.")})
    if (
        actor is not None
        and actor.is_agent
        and department is not None
        and not can_write_in(actor, department)
    ):
        raise PermissionDenied(_("You may not work in this department."))


def insert_ticket(**fields: Any) -> Ticket:
    """The row of a new ticket with its number (`insert_tickets`)."""
    return insert_tickets([Ticket(**fields)])[0]


def insert_tickets(tickets: list[Ticket]) -> list[Ticket]:
    """The rows of new tickets, in one INSERT, with their numbers (the row id plus the offset):
    given by the database as it inserts the rows on PostgreSQL (`tickets/numbering.py`), else
    written here in one UPDATE."""
    Ticket.objects.bulk_create(tickets)
    unnumbered = [ticket for ticket in tickets if ticket.number is None]
    if unnumbered:
        for ticket in unnumbered:
            ticket.number = ticket_number(ticket.pk)
        Ticket.objects.filter(pk__in=[ticket.pk for ticket in unnumbered]).update(
            number=F("id") + settings.TICKET_NUMBER_OFFSET
        )
    return tickets


def _on_commit_broadcast(ticket: Ticket, what: str, *, public: bool) -> None:
    """Tell open pages after commit; `public` also tells the requester's portal page, which
    must hear only of what the requester sees (a public message, the status, the subject)."""
    ticket_id = ticket.pk
    transaction.on_commit(lambda: live.ticket_changed(ticket_id, what, public=public))


def _customer_view(ticket: Ticket) -> tuple[Any, ...]:
    """The ticket's properties the requester's page shows."""
    return (ticket.status, ticket.custom_status_id, ticket.priority, ticket.subject)


def _touch(ticket: Ticket, **fields: Any) -> None:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(ticket, name, value)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def new_ticket(
    *,
    actor: User,
    requester: User,
    subject: str,
    body: Body,
    channel: str,
    department: Department | None = None,
    assignee: User | None = None,
    priority: int = Priority.NORMAL,
    ticket_type: TicketType | None = None,
    category: Category | None = None,
    tags: Sequence[str] = (),
    custom_fields: dict[str, Any] | None = None,
    language: str = "",
    attachments: Sequence[UploadedFile] = (),
    origin: Origin | None = None,
) -> NewTicket:
    """A ticket with its first message, checked and not yet written (`create_ticket` writes
    one, `create_tickets` many). Customers open their own; agents open one on a customer's
    behalf (phone, in person) in a department where they have full access."""
    if not actor.is_active:
        raise PermissionDenied(_("Your account is not active."))
    if actor.is_customer:
        if requester.pk != actor.pk:
            raise PermissionDenied(_("Customers can only open their own requests."))
        if assignee is not None:
            raise PermissionDenied(_("Customers cannot assign tickets."))
    if not requester.is_customer and channel != Channel.INTERNAL:
        raise ValidationError({"requester": _("The requester must be a customer.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    _check_department_for(actor, department)
    _check_assignee(assignee, department)
    subject = _clean_subject(subject)
    text, html = clean_body(body.text, body.html)
    if not text:
        raise ValidationError({"body": _("The message is empty.")})
    fields = clean_custom_fields(custom_fields or {}, ticket_type, customer=actor.is_customer)
    tag_names = clean_tag_names(tags)
    validate_uploads(attachments)

    now = timezone.now()
    ticket = Ticket(
        subject=subject,
        requester=requester,
        organization_id=requester.organization_id,
        department=department,
        assignee=assignee,
        status=StatusCategory.OPEN if assignee else StatusCategory.NEW,
        priority=priority,
        type=ticket_type,
        category=category,
        channel=channel,
        custom_fields=fields,
        language=language or requester.language,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    message = Message(
        ticket=ticket,
        author=requester if channel != Channel.INTERNAL else actor,
        kind=MessageKind.CUSTOMER,
        channel=channel,
        direction=Direction.INTERNAL if channel == Channel.INTERNAL else Direction.INBOUND,
        body_text=text,
        body_html=html,
        message_id=origin.message_id if origin else "",
        headers=origin.headers if origin else {},
        created_at=now,
    )
    return NewTicket(ticket, message, actor, tag_names, attachments)


@dataclass(frozen=True)
class NewTicket:
    """A new ticket as `new_ticket` checked it: its row and first message (unsaved), who opens
    it, its tags and the files of its message."""

    ticket: Ticket
    message: Message
    actor: User
    tags: list[str]
    attachments: Sequence[UploadedFile]


def _writes[**P](check: Callable[P, NewTicket], name: str) -> Callable[P, Ticket]:
    """The action `name` that writes the one ticket `check` makes (with `check`'s
    parameters)."""

    @functools.wraps(check)
    def write(*args: P.args, **kwargs: P.kwargs) -> Ticket:
        return _write_tickets([check(*args, **kwargs)])[0]  # already in its action

    write.__name__ = write.__qualname__ = name
    write.__doc__ = f"Open a ticket with its first message (`{check.__name__}` checks it)."
    return events.action(write)


create_ticket = _writes(new_ticket, "create_ticket")


@events.action
def create_tickets(new: Sequence[NewTicket]) -> list[Ticket]:
    """Write the tickets `new_ticket` checked, with their first messages: one INSERT for the
    rows of all, one for their messages, one for their history lines (an import's run of
    mails that each open a ticket); every line is heard, and every ticket announced, as
    `create_ticket` does for one. Trusts its `NewTicket`s: only `new_ticket` makes them."""
    return _write_tickets(new)


def _write_tickets(new: Sequence[NewTicket]) -> list[Ticket]:
    """`create_tickets` inside an action already running (`create_ticket`'s: a nested action
    would cost a savepoint, two statements)."""
    tickets = insert_tickets([item.ticket for item in new])
    for item in new:
        if item.tags:
            _tag_new(item.ticket, item.tags)
    Message.objects.bulk_create([item.message for item in new])
    created = [
        (item.ticket, item.actor, item.message, store_attachments(item.message, item.attachments))
        for item in new
    ]
    events.tickets_created(
        created, then=lambda ticket: _on_commit_broadcast(ticket, "created", public=False)
    )
    return tickets


@events.action
def add_message(
    ticket: Ticket,
    *,
    actor: User,
    body: Body,
    internal: bool = False,
    status: str | None = None,
    attachments: Sequence[UploadedFile] = (),
    headers: Mapping[str, str] | None = None,
) -> Message:
    """A public reply or an internal note from an agent, or a customer's message. An agent may
    set the status with it (a category or "custom:<id>"). `headers` are mail headers kept with
    an agent's public reply (the composer's Cc and Bcc, which the mail channel sends to)."""
    ticket = _locked(ticket)
    if ticket.merged_into_id is not None:
        raise ValidationError(
            {"body": _("This ticket was merged; write on the ticket it was merged into.")}
        )
    shown = _customer_view(ticket)
    text, html = clean_body(body.text, body.html)
    if not text:
        raise ValidationError({"body": _("The message is empty.")})
    validate_uploads(attachments)
    now = timezone.now()
    changes: dict[str, Any] = {}
    custom_status: CustomStatus | None = None
    if actor.is_agent:
        _require_agent_can_change(actor, ticket)
        if status is not None:
            status, custom_status = parse_status(status)
        kind = MessageKind.NOTE if internal else MessageKind.REPLY
        direction = Direction.INTERNAL if internal else Direction.OUTBOUND
        if not internal:
            if ticket.first_responded_at is None:
                changes["first_responded_at"] = now
            if status is None and ticket.status == StatusCategory.NEW:
                status = StatusCategory.OPEN
    elif is_requester_side(actor, ticket):
        if internal or status is not None:
            raise PermissionDenied(_("Customers can only write public messages."))
        if ticket.status == StatusCategory.CLOSED:
            raise ValidationError({"body": _("This request is closed. Please open a new request.")})
        kind, direction = MessageKind.CUSTOMER, Direction.INBOUND
        if ticket.status not in (StatusCategory.NEW, StatusCategory.OPEN):
            status = StatusCategory.OPEN
    else:
        raise PermissionDenied(_("You may not write on this ticket."))
    if headers and kind != MessageKind.REPLY:
        raise ValidationError(_("Only an agent's public reply is sent with copies."))

    message = Message.objects.create(
        ticket=ticket,
        author=actor,
        kind=kind,
        channel=ticket.channel if kind == MessageKind.CUSTOMER else Channel.PORTAL,
        direction=direction,
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        created_at=now,
    )
    if actor.is_agent:
        mentioned = find_mentions(text, visible_to=ticket)
        if mentioned:
            message.mentions.set(mentioned)
    store_attachments(message, attachments)
    events.message_added(ticket, actor=actor, message=message)
    if status is not None and (status, custom_status) != (ticket.status, ticket.custom_status):
        _set_status(ticket, actor=actor, status=status, custom_status=custom_status, now=now)
    _touch(ticket, **changes)
    if message.is_public and kind == MessageKind.REPLY:
        message_id = message.pk
        transaction.on_commit(lambda: notify_requester.enqueue(message_id))
    public = message.is_public or _customer_view(ticket) != shown
    _on_commit_broadcast(ticket, "message", public=public)
    return message


@events.action
def automated_message(ticket: Ticket, *, text: str, internal: bool) -> Message:
    """An internal note or a public reply written by the automation (a trigger, a time rule):
    no author; a public reply is mailed to the requester like an agent's."""
    ticket = _locked(ticket)
    text, html = clean_body(text, "")
    if not text:
        raise ValidationError({"body": _("The message is empty.")})
    message = Message.objects.create(
        ticket=ticket,
        author=None,
        kind=MessageKind.NOTE if internal else MessageKind.REPLY,
        channel=Channel.INTERNAL if internal else ticket.channel,
        direction=Direction.INTERNAL if internal else Direction.OUTBOUND,
        body_text=text,
        body_html=html,
    )
    events.message_added(ticket, actor=None, message=message)
    _touch(ticket)
    if not internal:
        message_id = message.pk
        transaction.on_commit(lambda: notify_requester.enqueue(message_id))
    _on_commit_broadcast(ticket, "message", public=not internal)
    return message


@events.action
def receive_message(
    ticket: Ticket,
    *,
    author: User,
    body: Body,
    channel: str,
    origin: Origin | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """A customer's message that a channel has already matched to this ticket (a mail from
    the requester or a CC, or sent to the ticket's signed reply address). It reopens a waiting
    or solved ticket; a closed one takes no more messages."""
    ticket = _locked(ticket)
    if not author.is_active or not author.is_customer:
        raise PermissionDenied(_("Only customers' messages arrive by a channel."))
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if ticket.status == StatusCategory.CLOSED:
        raise ValidationError({"body": _("This request is closed. Please open a new request.")})
    text, html = clean_body(body.text, body.html)
    if not text:
        raise ValidationError({"body": _("The message is empty.")})
    validate_uploads(attachments)
    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        author=author,
        kind=MessageKind.CUSTOMER,
        channel=channel,
        direction=Direction.INBOUND,
        body_text=text,
        body_html=html,
        message_id=origin.message_id if origin else "",
        headers=origin.headers if origin else {},
        created_at=now,
    )
    store_attachments(message, attachments)
    events.message_added(ticket, actor=author, message=message)
    if ticket.status not in (StatusCategory.NEW, StatusCategory.OPEN):
        _set_status(ticket, actor=author, status=StatusCategory.OPEN, custom_status=None, now=now)
    _touch(ticket)
    _on_commit_broadcast(ticket, "message", public=True)
    return message


def _locked(ticket: Ticket) -> Ticket:
    # `of=("self",)`: PostgreSQL cannot lock the nullable side of the department join.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=ticket.pk)
    )


def _set_status(
    ticket: Ticket,
    *,
    actor: User | None,
    status: str,
    custom_status: CustomStatus | None,
    now: Any,
) -> None:
    fields, lines = _status_change(ticket, status=status, custom_status=custom_status, now=now)
    _touch(ticket, **fields)
    for name, before, after in lines:
        events.field_changed(ticket, actor=actor, field=name, before=before, after=after)


def _status_change(
    ticket: Ticket, *, status: str, custom_status: CustomStatus | None, now: Any
) -> tuple[dict[str, Any], list[tuple[str, events.Value, events.Value]]]:
    """The columns a status change writes, and its history lines (field, before, after): the
    status, and a snooze or an archiving it ends. The ticket is left as it was."""
    if status not in StatusCategory.values:
        raise ValidationError({"status": _("Unknown status.")})
    if custom_status is not None and custom_status.category != status:
        raise ValidationError({"status": _("This status does not belong to that category.")})
    fields: dict[str, Any] = {"status": status, "custom_status": custom_status}
    if status != ticket.status:
        fields["status_changed_at"] = now
    if status == StatusCategory.SOLVED and ticket.solved_at is None:
        fields["solved_at"] = now
    elif status not in (StatusCategory.SOLVED, StatusCategory.CLOSED):
        fields["solved_at"] = None
    snoozed_until = ticket.snoozed_until
    if snoozed_until is not None and status != StatusCategory.PENDING:
        fields["snoozed_until"] = None  # any other status ends a snooze (TK8)
    archived = ticket.archived_at
    if archived is not None and status != StatusCategory.CLOSED:
        fields["archived_at"] = None  # reopened: back in the lists (TK13)
    after = Ticket(status=status, custom_status=custom_status)
    lines: list[tuple[str, events.Value, events.Value]] = [
        ("status", _status_value(ticket), _status_value(after))
    ]
    if "snoozed_until" in fields:
        lines.append((events.SNOOZED_UNTIL, events.instant(snoozed_until), None))
    if archived is not None and "archived_at" in fields:
        before = {"id": archived.isoformat(), "label": archived.date().isoformat()}
        lines.append(("archived_at", before, None))
    return fields, lines


def _status_value(ticket: Ticket) -> dict[str, Any]:
    key = f"custom:{ticket.custom_status_id}" if ticket.custom_status_id else ticket.status
    return {"id": key, "label": ticket.status_label}


@events.action
def close_request(ticket: Ticket, *, actor: User) -> Ticket:
    """The requester (or an allowed colleague) says the request is done: it becomes solved.
    Writing on it again reopens it, as any customer message does."""
    ticket = _locked(ticket)
    if not is_requester_side(actor, ticket):
        raise PermissionDenied(_("You may not close this request."))
    if ticket.is_closed:
        raise ValidationError({"status": _("This request is already closed.")})
    _set_status(
        ticket,
        actor=actor,
        status=StatusCategory.SOLVED,
        custom_status=None,
        now=timezone.now(),
    )
    _on_commit_broadcast(ticket, "updated", public=True)
    return ticket


FIELD_NAMES = ("subject", "priority", "type", "category", "department", "assignee", "language")


@events.action
def update_ticket(ticket: Ticket, *, actor: User, **changes: Any) -> Ticket:
    """Change properties in place: `status` (a category or "custom:<id>"), `priority`, `type`,
    `category`, `department`, `assignee`, `subject`, `language`, `custom_fields`, `tags`.
    Only what differs is written; every difference becomes a history line."""
    ticket = _locked(ticket)
    _require_agent_can_change(actor, ticket)
    return _apply_changes(ticket, actor=actor, changes=changes)


@events.action
def automated_update(ticket: Ticket, **changes: Any) -> Ticket:
    """The same changes as `update_ticket`, made by the automation (triggers, time rules,
    assignment) rather than a person: no actor, and the history says which rule did it through
    `events.caused_by`."""
    return _apply_changes(_locked(ticket), actor=None, changes=changes)


@events.action
def assign_many(assignments: Sequence[tuple[Ticket, User]]) -> None:
    """Hand many tickets to agents at once, by the automation (the assignment's drain): for
    each, what `automated_update(ticket, assignee=agent)` does to an unassigned ticket — the
    assignee, a new ticket opened — in one UPDATE per agent and one INSERT of every history
    line; the listeners hear each line, and the action's end once for all. The caller holds
    the tickets' locks."""
    now = timezone.now()
    pairs = {(agent.pk, ticket.department_id) for ticket, agent in assignments}
    members = set(
        Membership.objects.filter(
            user_id__in={agent for agent, _department in pairs},
            department_id__in={department for _agent, department in pairs},
            access=Access.FULL,
        ).values_list("user_id", "department_id")
    )
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    lines: list[tuple[Ticket, str, events.Value, events.Value]] = []
    opened: set[int] = set()  # tickets leaving "new": a status their requester sees
    for ticket, agent in assignments:
        if ticket.assignee_id is not None:
            raise ValidationError({"assignee": _("This ticket has an agent already.")})
        member = (agent.pk, ticket.department_id) in members or agent.role == Role.ADMIN
        if not agent.is_agent or not member:
            _check_assignee(agent, ticket.department)  # the error, in its words
        fields: dict[str, Any] = {"assignee": agent}
        changes: list[tuple[Ticket, str, events.Value, events.Value]] = [
            (ticket, "assignee", None, events.value_of(agent))
        ]
        if ticket.status == StatusCategory.NEW:
            opened.add(ticket.pk)
            status, status_lines = _status_change(
                ticket, status=StatusCategory.OPEN, custom_status=None, now=now
            )
            fields |= status
            changes += [(ticket, *line) for line in status_lines]
        for name, value in fields.items():
            setattr(ticket, name, value)
        groups.setdefault(tuple(fields.items()), []).append(ticket.pk)
        lines += changes
    for fields_of_group, ids in groups.items():
        Ticket.objects.filter(pk__in=ids).update(**dict(fields_of_group), updated_at=now)
    events.fields_changed(lines, actor=None)
    for ticket, _agent in assignments:
        _on_commit_broadcast(ticket, "updated", public=ticket.pk in opened)


def _apply_changes(ticket: Ticket, *, actor: User | None, changes: dict[str, Any]) -> Ticket:
    unknown = set(changes) - {*FIELD_NAMES, "status", "custom_fields", "tags"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    now = timezone.now()
    shown = _customer_view(ticket)
    department = changes.get("department", ticket.department)
    if "department" in changes and department != ticket.department:
        _check_department_for(actor, department)
    assignee = changes.get("assignee", ticket.assignee)
    if "assignee" in changes or "department" in changes:
        _check_assignee(assignee, department)
    if "subject" in changes:
        changes["subject"] = _clean_subject(changes["subject"])
    if "priority" in changes and changes["priority"] not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if "custom_fields" in changes:
        if not isinstance(changes["custom_fields"], dict):
            raise ValidationError({"custom_fields": _("Custom fields must be a mapping.")})
        ticket_type = changes.get("type", ticket.type)
        merged = {**ticket.custom_fields, **changes["custom_fields"]}
        changes["custom_fields"] = clean_custom_fields(merged, ticket_type, customer=False)

    for name in FIELD_NAMES:
        if name in changes and changes[name] != getattr(ticket, name):
            before = _history_value(ticket, name)
            _touch(ticket, **{name: changes[name]})
            after = _history_value(ticket, name)
            events.field_changed(ticket, actor=actor, field=name, before=before, after=after)
    if "custom_fields" in changes and changes["custom_fields"] != ticket.custom_fields:
        old = ticket.custom_fields
        _touch(ticket, custom_fields=changes["custom_fields"])
        for key in sorted(set(old) | set(ticket.custom_fields)):
            if old.get(key) != ticket.custom_fields.get(key):
                events.field_changed(
                    ticket,
                    actor=actor,
                    field=f"custom:{key}",
                    before=events.value_of(old.get(key)),
                    after=events.value_of(ticket.custom_fields.get(key)),
                )
    if "status" in changes:
        status, custom = parse_status(changes["status"])
        if status != ticket.status or custom != ticket.custom_status:
            _set_status(ticket, actor=actor, status=status, custom_status=custom, now=now)
    if "tags" in changes:
        _set_tags(ticket, actor=actor, names=changes["tags"])
    if ticket.assignee is not None and ticket.status == StatusCategory.NEW:
        _set_status(ticket, actor=actor, status=StatusCategory.OPEN, custom_status=None, now=now)
    _on_commit_broadcast(ticket, "updated", public=_customer_view(ticket) != shown)
    return ticket


def _history_value(ticket: Ticket, name: str) -> events.Value:
    if name == "priority":  # the number, and its label as text (a lazy label is not JSON)
        return {"id": ticket.priority, "label": str(Priority(ticket.priority).label)}
    return events.value_of(getattr(ticket, name))


def parse_status(value: str) -> tuple[str, CustomStatus | None]:
    """`"pending"` → the category; `"custom:7"` → custom status 7 and its category."""
    if isinstance(value, str) and value.startswith("custom:"):
        try:
            custom = CustomStatus.objects.get(pk=int(value.removeprefix("custom:")))
        except (ValueError, CustomStatus.DoesNotExist):
            raise ValidationError({"status": _("Unknown status.")}) from None
        return custom.category, custom
    if value not in StatusCategory.values:
        raise ValidationError({"status": _("Unknown status.")})
    return value, None


def clean_tag_names(names: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(str(raw).replace("\x00", "").split()).lower().lstrip("#")
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(
                {"tags": _("A tag is longer than %(max)d characters.") % {"max": MAX_TAG_LENGTH}}
            )
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(max)d tags.") % {"max": MAX_TAGS}})
    return cleaned


def retag(
    names: Sequence[str], *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """Tag names with `remove` taken away and then `add` appended (each name once, in order)."""
    removed = set(remove)
    kept = [name for name in names if name not in removed]
    return kept + [name for name in dict.fromkeys(add) if name not in kept]


def _tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if not missing:
        return list(existing.values())
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


def _tag_new(ticket: Ticket, names: list[str]) -> None:
    """Tag a ticket that has no tags yet: one INSERT … SELECT of the tags that exist; only
    when some do not, they are made and added too (the rows already there are skipped)."""
    through = Ticket.tags.through._meta
    sql = (  # names from the models' metadata, values as parameters
        f'INSERT INTO "{through.db_table}" ("ticket_id", "tag_id") '  # noqa: S608
        f'SELECT %s, "id" FROM "{Tag._meta.db_table}" WHERE "name" IN '
        f"({', '.join(['%s'] * len(names))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket.pk, *names])
        found = cursor.rowcount
    if found < len(names):
        ticket.tags.add(*_tags(names))


def _set_tags(ticket: Ticket, *, actor: User | None, names: Iterable[str]) -> None:
    wanted = clean_tag_names(names)
    before = sorted(ticket.tags.values_list("name", flat=True))
    if sorted(wanted) == before:
        return
    ticket.tags.set(_tags(wanted))
    _touch(ticket)
    events.tags_changed(ticket, actor=actor, before=before, after=sorted(wanted))


@events.action
def transfer(
    ticket: Ticket,
    *,
    actor: User,
    department: Department | None,
    assignee: User | None,
    note: str,
) -> Ticket:
    """Hand a ticket to another department and/or agent with a note for them (CO1). The note is
    kept as an internal note; the agent must have full access where the ticket is now."""
    ticket = _locked(ticket)
    _require_agent_can_change(actor, ticket)
    note = (note or "").strip()
    if department is None and assignee is None:
        raise ValidationError(_("Choose a department or an agent."))
    target_department = department if department is not None else ticket.department
    if department is not None and department != ticket.department and not department.is_active:
        raise ValidationError({"department": _("This department is not active.")})
    _check_assignee(assignee, target_department)
    before = {
        "department": events.value_of(ticket.department),
        "assignee": events.value_of(ticket.assignee),
    }
    _touch(ticket, department=target_department, assignee=assignee)
    after = {
        "department": events.value_of(ticket.department),
        "assignee": events.value_of(ticket.assignee),
    }
    if before == after:
        raise ValidationError(_("The ticket is already there."))
    if note:
        text, html = clean_body(note, "")
        message = Message.objects.create(
            ticket=ticket,
            author=actor,
            kind=MessageKind.NOTE,
            channel=Channel.INTERNAL,
            direction=Direction.INTERNAL,
            body_text=text,
            body_html=html,
        )
        events.message_added(ticket, actor=actor, message=message)
    events.transferred(ticket, actor=actor, before=before, after=after, note=note)
    _on_commit_broadcast(ticket, "updated", public=False)
    return ticket


@events.action
def log_time(ticket: Ticket, *, actor: User, minutes: int, note: str = "") -> TimeEntry:
    """Record time an agent spent on the ticket (TK11)."""
    _require_agent_can_change(actor, ticket)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Enter between 1 and 1440 minutes.")})
    note = note.replace("\x00", "").strip()[:250]
    entry = TimeEntry.objects.create(ticket=ticket, agent=actor, minutes=minutes, note=note)
    events.time_logged(ticket, actor=actor, entry=entry)
    return entry


@events.action
def set_following(ticket: Ticket, *, actor: User, following: bool) -> None:
    """Follow a ticket to hear of its changes, or stop (TK12). Any agent who can see the
    ticket may follow it, read-only access included."""
    if not actor.is_agent or not visible_tickets(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("You may not follow this ticket."))
    if ticket.followers.filter(pk=actor.pk).exists() == following:
        return
    if following:
        ticket.followers.add(actor)
    else:
        ticket.followers.remove(actor)
    me = events.value_of(actor)
    events.field_changed(
        ticket,
        actor=actor,
        field="followers",
        before=None if following else me,
        after=me if following else None,
    )
    _on_commit_broadcast(ticket, "updated", public=False)


@transaction.atomic
def move_requests(*, source: User, target: User, actor: User) -> list[Ticket]:
    """Two contacts are one person (PO6): every request of `source` becomes `target`'s, with
    its customer messages, each with a "requester" history line. The caller
    (`accounts.contacts.merge_contacts`) has checked the actor may merge; this checks again."""
    if not can_merge_contacts(actor, source, target):
        raise PermissionDenied(_("You may not merge these contacts."))
    tickets = list(
        Ticket.objects.select_for_update(of=("self",)).filter(requester=source).order_by("pk")
    )
    before, after = events.value_of(source), events.value_of(target)
    for ticket in tickets:
        _touch(ticket, requester=target)
        events.field_changed(ticket, actor=actor, field="requester", before=before, after=after)
        _on_commit_broadcast(ticket, "updated", public=False)
    Message.objects.filter(ticket__in=tickets, author=source).update(author=target)
    return tickets


def get_visible_ticket(user: User, number: int) -> Ticket:
    """The ticket with this number, if this person may see it; `Ticket.DoesNotExist` otherwise."""
    # Each further join multiplies PostgreSQL's planning time (7 joins: ~3 ms to plan a 0.3 ms
    # query); the rarer relations load on first use, by primary key.
    return (
        visible_tickets(user)
        .select_related("requester", "assignee", "department")
        .get(number=number)
    )
