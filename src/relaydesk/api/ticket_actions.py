"""Actions on a ticket beyond its fields (TK7, TK8, TK9): merge, split, links, snooze, spam.
Thin handlers over `tickets/merging.py`, `tickets/snoozing.py` and `mail/spam.py`; agents only.
Tickets are named by number, like the rest of the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from relaydesk.accounts.models import User
from relaydesk.api import serialize
from relaydesk.api.auth import require_agent, require_write
from relaydesk.api.problems import COMMON
from relaydesk.api.schemas import TicketOut
from relaydesk.mail.spam import mark_spam
from relaydesk.tickets import merging, services, snoozing
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import visible_tickets

router = Router(tags=["tickets"])
MAX_NUMBER = 2**62


class MergeIn(Schema):
    into: int = Field(description="The number of the ticket to merge into.", ge=1, le=MAX_NUMBER)


class SplitIn(Schema):
    messages: list[int] = Field(
        description="Ids of the messages to move to the new ticket.",
        min_length=1,
        max_length=merging.MAX_SPLIT,
    )
    subject: str = Field(default="", max_length=250, description="Default: the same subject.")


class SnoozeIn(Schema):
    until: datetime.datetime | None = Field(
        description="When the ticket wakes up (with its offset), or null to wake it now."
    )


class LinkIn(Schema):
    ticket: int = Field(description="The number of the ticket to link.", ge=1, le=MAX_NUMBER)


class LinkedOut(Schema):
    number: int
    subject: str
    status: str


def _agent_ticket(request: HttpRequest, number: int) -> tuple[User, Ticket]:
    """The writing agent and the ticket, if they see it (404 otherwise)."""
    require_agent(request)
    user = require_write(request)
    try:
        return user, services.get_visible_ticket(user, number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _other(user: User, number: int, field: str) -> Ticket:
    ticket = visible_tickets(user).filter(number=number).first()
    if ticket is None:
        raise ValidationError({field: _("No such ticket.")})
    return ticket


def _answer(user: User, number: int | None) -> dict[str, Any]:
    return serialize.ticket(services.get_visible_ticket(user, number or 0), viewer=user)


def _links(user: User, ticket: Ticket) -> list[dict[str, Any]]:
    """The tickets linked to this one that the caller can see."""
    linked = visible_tickets(user).filter(linked=ticket).order_by("number")
    return [{"number": t.number, "subject": t.subject, "status": t.status} for t in linked]


@router.post("/tickets/{number}/merge", response={200: TicketOut, **COMMON})
def merge(request: HttpRequest, number: int, payload: MergeIn) -> dict[str, Any]:
    """Merge this ticket into `into`: its messages move there, it is closed and points to it.
    Answers the ticket merged into."""
    user, ticket = _agent_ticket(request, number)
    target = merging.merge_tickets(ticket, into=_other(user, payload.into, "into"), actor=user)
    return _answer(user, target.number)


@router.post("/tickets/{number}/split", response={201: TicketOut, **COMMON})
def split(request: HttpRequest, number: int, payload: SplitIn) -> Status[dict[str, Any]]:
    """Move some messages of this ticket into a new ticket (same requester and properties)."""
    user, ticket = _agent_ticket(request, number)
    new = merging.split_ticket(
        ticket, actor=user, messages=payload.messages, subject=payload.subject
    )
    return Status(201, _answer(user, new.number))


@router.get("/tickets/{number}/links", response={200: list[LinkedOut], **COMMON})
def list_links(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    """Related tickets linked to this one (those the caller can see)."""
    user, ticket = _agent_ticket(request, number)
    return _links(user, ticket)


@router.post("/tickets/{number}/links", response={200: list[LinkedOut], **COMMON})
def add_link(request: HttpRequest, number: int, payload: LinkIn) -> list[dict[str, Any]]:
    user, ticket = _agent_ticket(request, number)
    other = _other(user, payload.ticket, "ticket")
    merging.set_link(ticket, other=other, actor=user, linked=True)
    return _links(user, ticket)


@router.delete("/tickets/{number}/links/{other}", response={200: list[LinkedOut], **COMMON})
def remove_link(request: HttpRequest, number: int, other: int) -> list[dict[str, Any]]:
    user, ticket = _agent_ticket(request, number)
    linked = ticket.linked.filter(number=other).first()
    if linked is None or not visible_tickets(user).filter(pk=linked.pk).exists():
        raise Http404
    merging.set_link(ticket, other=linked, actor=user, linked=False)
    return _links(user, ticket)


@router.post("/tickets/{number}/snooze", response={200: TicketOut, **COMMON})
def snooze(request: HttpRequest, number: int, payload: SnoozeIn) -> dict[str, Any]:
    """Snooze until `until`: the ticket is pending and wakes up (open) at that time, or earlier
    when the customer writes. `null` wakes it now."""
    user, ticket = _agent_ticket(request, number)
    snoozing.snooze(ticket, actor=user, until=payload.until)
    return _answer(user, number)


@router.post("/tickets/{number}/spam", response={200: TicketOut, **COMMON})
def spam(request: HttpRequest, number: int) -> dict[str, Any]:
    """Mark as spam: the ticket is closed and tagged `spam`, its sender's address blocked."""
    user, ticket = _agent_ticket(request, number)
    mark_spam(ticket, actor=user)
    return _answer(user, number)
