"""Tickets, their messages, attachments and time: thin handlers over the service layer and the
visibility door (AP1)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema, Status, UploadedFile
from ninja.responses import Response

from relaydesk.accounts.services import find_or_create_customer
from relaydesk.api import conditional, lookups, serialize
from relaydesk.api.auth import caller, require_agent, require_write
from relaydesk.api.idempotency import run_once
from relaydesk.api.problems import COMMON
from relaydesk.api.schemas import (
    TICKET_FIELDS,
    MessageOut,
    MessagePage,
    PriorityName,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketUpdate,
)
from relaydesk.desk import listing
from relaydesk.tickets import services
from relaydesk.tickets.attachments import file_response
from relaydesk.tickets.models import Attachment, Channel, Ticket, TimeEntry
from relaydesk.tickets.visibility import (
    can_change,
    visible_attachments,
    visible_messages,
    visible_tickets,
)

router = Router(tags=["tickets"])
MAX_PAGE = 100


class TicketQuery(Schema):
    group: Literal["active", "waiting", "closed"] | None = None
    queue: Literal["mine", "unassigned"] | None = None
    status: str | None = Field(default=None, max_length=30)
    priority: PriorityName | None = None
    department: int | None = Field(default=None, ge=1, le=2**62)
    assignee: int | None = Field(default=None, ge=1, le=2**62)
    channel: str | None = Field(default=None, max_length=16)
    tag: str | None = Field(default=None, max_length=50)
    requester: str | None = Field(default=None, max_length=254)
    updated_since: datetime.datetime | None = None
    sort: str = Field(default=listing.DEFAULT_SORT, max_length=20)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=2000)
    fields: str | None = Field(default=None, max_length=500, description="Comma-separated.")


def ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    try:
        return services.get_visible_ticket(caller(request), number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _selected_fields(value: str | None) -> tuple[str, ...]:
    if not value:
        return TICKET_FIELDS
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in TICKET_FIELDS]
    if unknown:
        raise ValidationError(
            {"fields": _("Unknown fields: %(names)s") % {"names": ", ".join(unknown)[:200]}}
        )
    return names


@router.get("/tickets", response={200: TicketPage, **COMMON}, exclude_unset=True)
def list_tickets(request: HttpRequest, query: Query[TicketQuery]) -> HttpResponse:
    """Tickets the caller may see, filtered like the desk's list, newest activity first.
    Pages are cursor-based: pass `next_cursor` back as `cursor`."""
    user = caller(request)
    names = _selected_fields(query.fields)
    sort, descending = listing.parse_sort(query.sort)
    if query.sort.removeprefix("-") not in listing.SORT_KEYS:
        raise ValidationError(
            {"sort": _("Sort by one of: %(keys)s") % {"keys": ", ".join(listing.SORT_KEYS)}}
        )
    if query.cursor and listing.read_cursor(sort, query.cursor) is None:
        raise ValidationError({"cursor": _("This cursor is not valid for this sort.")})
    if query.channel and query.channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    filters: dict[str, Any] = {
        "status": query.status,
        "priority": serialize.PRIORITY_VALUES.get(query.priority or ""),
        "department": query.department,
        "assignee": query.assignee,
        "channel": query.channel,
        "tag": query.tag,
        "requester": query.requester,
    }
    tickets = listing.filter_tickets(
        visible_tickets(user),
        user=user,
        group=query.group or "",
        queue=query.queue or "",
        filters=filters,
    )
    if query.updated_since is not None:
        tickets = tickets.filter(updated_at__gte=query.updated_since)
    page = listing.paginate(
        tickets,
        sort=sort,
        descending=descending,
        size=query.limit,
        after=query.cursor or "",
        related=False,
    )
    # Sent as built, not validated again through TicketPage: ninja's schemas cost more than
    # the query for a page of 50 (the shape is `serialize.ticket`'s, checked by schemathesis).
    items = [
        {name: data[name] for name in names}
        for data in serialize.tickets(page.tickets, viewer=user)
    ]
    return Response({"items": items, "next_cursor": page.next_cursor})


@router.post("/tickets", response={201: TicketOut, **COMMON})
def create_ticket(
    request: HttpRequest,
    payload: TicketCreate,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=1000),
) -> Status[dict[str, Any]]:
    """Open a ticket. Agents open one for a customer (`requester_email`, created if new);
    customers open their own. Send `Idempotency-Key` to make retries safe."""
    user = require_write(request)

    def produce() -> tuple[int, dict[str, Any]]:
        if user.is_agent:
            if not payload.requester_email:
                raise ValidationError({"requester_email": _("Whose request is it?")})
            requester = find_or_create_customer(payload.requester_email, payload.requester_name)
        else:
            if payload.requester_email and payload.requester_email.strip().lower() != user.email:
                raise PermissionDenied(_("Customers can only open their own requests."))
            if payload.channel != Channel.API:
                raise ValidationError({"channel": _("Customers cannot choose the channel.")})
            requester = user
        ticket = services.create_ticket(
            actor=user,
            requester=requester,
            subject=payload.subject,
            body=services.Body(payload.body),
            channel=payload.channel,
            department=lookups.department(payload.department),
            ticket_type=lookups.ticket_type(payload.type),
            priority=serialize.PRIORITY_VALUES[payload.priority],
            tags=payload.tags,
            custom_fields=payload.custom_fields,
            language=payload.language,
        )
        # The ticket as created, not read again: its creator sees it (a department they
        # may write in, or their own request), and nothing after commit has run yet.
        response["ETag"] = conditional.etag(ticket)
        return 201, serialize.ticket(ticket, viewer=user)

    answer, replayed = run_once(
        user=user,
        key=idempotency_key,
        scope="POST /tickets",
        payload=payload.model_dump(),
        produce=produce,
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(*answer)


@router.get("/tickets/{number}", response={200: TicketOut, **COMMON})
def get_ticket(request: HttpRequest, number: int, response: HttpResponse) -> dict[str, Any]:
    ticket = ticket_or_404(request, number)
    response["ETag"] = conditional.etag(ticket)
    return serialize.ticket(ticket, viewer=caller(request))


@router.patch(
    "/tickets/{number}",
    response={200: TicketOut, **conditional.PRECONDITIONS, **COMMON},
    exclude_unset=True,
)
def update_ticket(
    request: HttpRequest,
    number: int,
    payload: TicketUpdate,
    response: HttpResponse,
    if_match: str | None = conditional.IF_MATCH,
) -> dict[str, Any]:
    """Change properties. `If-Match` is required: send the `ETag` you read. If someone changed
    the ticket meanwhile, the answer is 412 and nothing is written; without it, 428."""
    user = require_write(request)
    ticket = ticket_or_404(request, number)
    if not can_change(user, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "priority":
            if value is None:
                raise ValidationError({"priority": _("Choose a priority.")})
            changes[name] = serialize.PRIORITY_VALUES[value]
        elif name == "department":
            changes[name] = lookups.department(value)
        elif name == "type":
            changes[name] = lookups.ticket_type(value)
        elif name == "assignee":
            changes[name] = lookups.agent(value)
        elif value is None:
            raise ValidationError({name: _("This field cannot be null.")})
        else:
            changes[name] = value
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        conditional.require_match(if_match, locked)
        if changes:
            services.update_ticket(locked, actor=user, **changes)
    fresh = ticket_or_404(request, number)
    response["ETag"] = conditional.etag(fresh)
    return serialize.ticket(fresh, viewer=user)


@router.get("/tickets/{number}/messages", response={200: MessagePage, **COMMON})
def list_messages(
    request: HttpRequest,
    number: int,
    after: int = Query(0, ge=0, le=2**62),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """The conversation, oldest first. Customers never get internal notes."""
    ticket = ticket_or_404(request, number)
    rows = list(
        visible_messages(caller(request))
        .filter(ticket=ticket, pk__gt=after)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [serialize.message(m) for m in rows],
        "next_cursor": str(rows[-1].pk) if more else None,
    }


@router.post("/tickets/{number}/messages", response={201: MessageOut, **COMMON})
def add_message(
    request: HttpRequest,
    number: int,
    body: str = Form(..., max_length=100_000),
    internal: bool = Form(False),
    status: str | None = Form(None, max_length=30),
    files: list[UploadedFile] | None = File(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    """A public reply or (with `internal=true`) an internal note; customers write messages.
    Multipart: `body`, optional `status`, `files` (repeatable)."""
    user = require_write(request)
    ticket = ticket_or_404(request, number)
    message = services.add_message(
        ticket,
        actor=user,
        body=services.Body(body),
        internal=internal,
        status=status or None,
        attachments=list(files or []),
    )
    return Status(201, serialize.message(message))


@router.get(
    "/attachments/{attachment_id}",
    response=COMMON,
    url_name="attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                    "image/*": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = visible_attachments(caller(request)).get(pk=attachment_id)
        return file_response(attachment)
    except (Attachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None


class TimeEntryIn(Schema):
    minutes: int = Field(ge=1, le=24 * 60)
    note: str = Field(default="", max_length=250)


class TimeEntryOut(Schema):
    id: int
    agent: dict[str, Any]
    minutes: int
    note: str
    created_at: datetime.datetime


def _time_entry(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "agent": serialize.ref(entry.agent),
        "minutes": entry.minutes,
        "note": entry.note,
        "created_at": entry.created_at,
    }


@router.get("/tickets/{number}/time-entries", response={200: list[TimeEntryOut], **COMMON})
def list_time(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    require_agent(request)
    ticket = ticket_or_404(request, number)
    return [_time_entry(e) for e in ticket.time_entries.select_related("agent")]


@router.post("/tickets/{number}/time-entries", response={201: TimeEntryOut, **COMMON})
def log_time(request: HttpRequest, number: int, payload: TimeEntryIn) -> Status[dict[str, Any]]:
    require_agent(request)
    user = require_write(request)
    ticket = ticket_or_404(request, number)
    entry = services.log_time(ticket, actor=user, minutes=payload.minutes, note=payload.note)
    return Status(201, _time_entry(entry))
