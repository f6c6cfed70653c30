"""Rows to the API's JSON, through what the caller may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone

from relaydesk.accounts.models import User
from relaydesk.tickets.models import CustomField, Message, Priority, Ticket
from relaydesk.tickets.visibility import visible_tickets

PRIORITY_NAMES = {p.value: p.name.lower() for p in Priority}
PRIORITY_VALUES = {name: value for value, name in PRIORITY_NAMES.items()}


def ref(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "display_name", None) or obj.name}


def person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def sla_state(ticket: Ticket, now: datetime.datetime) -> str:
    pending = [
        due
        for due, done in (
            (ticket.first_response_due_at, ticket.first_responded_at),
            (ticket.next_response_due_at, None),
            (ticket.resolution_due_at, ticket.solved_at),
        )
        if due is not None and done is None
    ]
    any_due = pending or ticket.first_response_due_at or ticket.resolution_due_at
    if not any_due:
        return "none"
    if ticket.is_closed:
        return "completed"
    return "breached" if pending and min(pending) <= now else "active"


def sla(ticket: Ticket) -> dict[str, Any]:
    """The stored due times with the policy that set them (`None` when none applies)."""
    try:
        clock = ticket.sla
    except ObjectDoesNotExist:
        clock = None
    return {
        "policy": ref(clock.policy if clock is not None else None),
        "first_response_due_at": ticket.first_response_due_at,
        "next_response_due_at": ticket.next_response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "state": sla_state(ticket, timezone.now()),
    }


def customer_field_keys() -> set[str]:
    return set(CustomField.objects.filter(customer_visible=True).values_list("key", flat=True))


def ticket(
    ticket: Ticket, *, viewer: User | None, visible_keys: set[str] | None = None
) -> dict[str, Any]:
    """The ticket as `viewer` may see it (None: the system, for webhooks). Customers get only
    the custom fields shown to them (pass `visible_keys` once for a whole list)."""
    fields = ticket.custom_fields
    if viewer is not None and not viewer.is_agent:
        keys = customer_field_keys() if visible_keys is None else visible_keys
        fields = {k: v for k, v in fields.items() if k in keys}
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": ticket.status_label,
        "priority": PRIORITY_NAMES[ticket.priority],
        "channel": ticket.channel,
        "department": ref(ticket.department),
        "assignee": ref(ticket.assignee),
        "requester": person(ticket.requester),
        "organization": ref(ticket.organization),
        "type": ref(ticket.type),
        "tags": sorted(t.name for t in ticket.tags.all()),
        "custom_fields": fields,
        "language": ticket.language,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "sla": sla(ticket),
        "merged_into": merged_into(ticket, viewer),
        "snoozed_until": ticket.snoozed_until,
    }


def merged_into(ticket: Ticket, viewer: User | None) -> int | None:
    """The target's number, for a viewer who can see the target."""
    target_id = ticket.merged_into_id
    if target_id is None:
        return None
    targets = Ticket.objects.all() if viewer is None else visible_tickets(viewer)
    return targets.filter(pk=target_id).values_list("number", flat=True).first()


def message(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": ref(message.author),
        "body_text": message.body_text,
        "body_html": message.body_html,
        "created_at": message.created_at,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("api-1:attachment", args=[a.pk]),
            }
            for a in message.attachments.all()
        ],
    }
