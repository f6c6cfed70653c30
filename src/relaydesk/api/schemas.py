"""The API's JSON shapes (they generate the OpenAPI document)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import create_model

PriorityName = Literal["low", "normal", "high", "urgent"]
SlaState = Literal["none", "active", "breached", "completed"]


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str
    email: str


class Sla(Schema):
    policy: Ref | None = Field(description="The SLA policy that set the due times, if any.")
    first_response_due_at: datetime.datetime | None
    next_response_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    state: SlaState = Field(
        description="none: no due time; active: due times ahead; breached: a pending due time "
        "has passed; completed: the ticket is solved or closed."
    )


class TicketOut(Schema):
    id: int
    number: int
    subject: str
    status: str = Field(description="The category: new, open, pending, on_hold, solved, closed.")
    status_label: str
    priority: PriorityName
    channel: str
    department: Ref | None
    assignee: Ref | None
    requester: PersonRef
    organization: Ref | None
    type: Ref | None
    tags: list[str]
    custom_fields: dict[str, Any]
    language: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    sla: Sla
    merged_into: int | None = Field(
        description="The number of the ticket this one was merged into (if the caller sees it)."
    )
    snoozed_until: datetime.datetime | None = Field(
        description="While snoozed: when the ticket wakes up."
    )


TICKET_FIELDS = tuple(TicketOut.model_fields)

# The same fields, each present only when asked for with `fields=` (all of them by default).
TicketFields = create_model(  # type: ignore[call-overload]
    "TicketFields",
    __base__=Schema,
    **{
        name: (info.annotation, Field(default=None))
        for name, info in TicketOut.model_fields.items()
    },
)


class TicketPage(Schema):
    items: list[TicketFields]  # type: ignore[valid-type]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class TicketCreate(Schema):
    subject: str = Field(max_length=1000)
    body: str = Field(max_length=100_000)
    requester_email: str | None = Field(
        default=None, max_length=254, description="Agents: the customer (created if new)."
    )
    requester_name: str = Field(default="", max_length=200)
    priority: PriorityName = "normal"
    department: int | str | None = Field(default=None, description="Id or name.")
    type: int | str | None = Field(default=None, description="Id or name.")
    channel: str = Field(default="api", max_length=16)
    tags: list[str] = Field(default=[], max_length=50)
    custom_fields: dict[str, Any] = {}
    language: str = Field(default="", max_length=8)


class TicketUpdate(Schema):
    """Send only what changes; null clears department, assignee and type."""

    subject: str | None = Field(default=None, max_length=1000)
    status: str | None = Field(
        default=None, max_length=30, description='A category or "custom:<id>".'
    )
    priority: PriorityName | None = None
    department: int | str | None = Field(default=None, description="Id or name.")
    assignee: int | None = Field(default=None, description="An agent's id.")
    type: int | str | None = Field(default=None, description="Id or name.")
    tags: list[str] | None = Field(default=None, max_length=50)
    custom_fields: dict[str, Any] | None = None
    language: str | None = Field(default=None, max_length=8)


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    kind: Literal["customer", "reply", "note", "system"]
    author: Ref | None
    body_text: str
    body_html: str
    created_at: datetime.datetime
    attachments: list[AttachmentOut]


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None
