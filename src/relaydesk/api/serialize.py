"""Rows to the API's JSON, through what the caller may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db.models import ForeignKey, Manager, Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from relaydesk.accounts.models import Organization, User
from relaydesk.desk import reference
from relaydesk.sla.models import TicketSla
from relaydesk.tickets.models import CustomField, Message, Priority, Ticket, TicketType
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


def sla_out(ticket: Ticket, policy: dict[str, Any] | None) -> dict[str, Any]:
    """The stored due times with the policy that set them (`None` when none applies)."""
    return {
        "policy": policy,
        "first_response_due_at": ticket.first_response_due_at,
        "next_response_due_at": ticket.next_response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "state": sla_state(ticket, timezone.now()),
    }


def customer_field_keys() -> set[str]:
    return set(CustomField.objects.filter(customer_visible=True).values_list("key", flat=True))


def ticket(ticket: Ticket, *, viewer: User | None) -> dict[str, Any]:
    """The ticket as `viewer` may see it (None: the system, for webhooks)."""
    return tickets([ticket], viewer=viewer)[0]


def tickets(rows: Sequence[Ticket], *, viewer: User | None) -> list[dict[str, Any]]:
    """Tickets as `viewer` may see them (None: the system, for webhooks). Customers get only
    the custom fields shown to them.

    What the tickets refer to is read for all of them at once, a query per kind (people, tags,
    organizations, types, SLA policies, merge targets) whatever the number of tickets;
    relations the rows were fetched with are used as they are."""
    visible_keys = None if viewer is None or viewer.is_agent else customer_field_keys()
    ids = [t.pk for t in rows]
    people = _related(rows, ("requester", "assignee"), User.objects.only("name", "email"))
    organizations = _related(
        rows, ("organization",), Organization.objects, reference.organizations_by_id
    )
    types = _related(rows, ("type",), TicketType.objects, reference.ticket_types_by_id)
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags[ticket_id].append(name)
    policies = {
        ticket_id: {"id": policy_id, "name": name}
        for ticket_id, policy_id, name in TicketSla.objects.filter(
            ticket_id__in=ids, policy__isnull=False
        ).values_list("ticket_id", "policy_id", "policy__name")
    }
    merged = _merge_targets(rows, viewer)
    return [
        {
            "id": t.pk,
            "number": t.number,
            "subject": t.subject,
            "status": t.status,
            "status_label": t.status_label,
            "priority": PRIORITY_NAMES[t.priority],
            "channel": t.channel,
            "department": ref(t.department),
            "assignee": ref(people.get(t.assignee_id)),
            "requester": person(people[t.requester_id]),
            "organization": ref(organizations.get(t.organization_id)),
            "type": ref(types.get(t.type_id)),
            "tags": sorted(tags[t.pk]),
            "custom_fields": t.custom_fields
            if visible_keys is None
            else {k: v for k, v in t.custom_fields.items() if k in visible_keys},
            "language": t.language,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "sla": sla_out(t, policies.get(t.pk)),
            "merged_into": merged.get(t.merged_into_id),
            "snoozed_until": t.snoozed_until,
        }
        for t in rows
    ]


def _related[M: Model](
    rows: Sequence[Ticket],
    names: tuple[str, ...],
    rows_of: QuerySet[M] | Manager[M],
    known: Callable[[], Mapping[int, M]] | None = None,
) -> dict[int | None, M]:
    """The rows these foreign keys point to, by id: those fetched with the tickets as they are,
    then those in the process's `known` list (`desk.reference`), the others in one query."""
    found: dict[int | None, M] = {}
    missing: set[int] = set()
    for name in names:
        field = Ticket._meta.get_field(name)
        assert isinstance(field, ForeignKey)
        for t in rows:
            pk = getattr(t, field.attname)
            if pk is None or pk in found:
                continue
            if field.is_cached(t):
                found[pk] = getattr(t, name)
            else:
                missing.add(pk)
    missing -= found.keys()
    if missing and known is not None:
        rows_known = known()
        found.update((pk, rows_known[pk]) for pk in missing if pk in rows_known)
        missing -= found.keys()
    if missing:
        found.update((row.pk, row) for row in rows_of.filter(pk__in=missing).order_by())
    return found


def _merge_targets(rows: Sequence[Ticket], viewer: User | None) -> dict[int | None, int | None]:
    """The numbers of the tickets these were merged into, for those the viewer can see."""
    target_ids = {t.merged_into_id for t in rows if t.merged_into_id is not None}
    if not target_ids:
        return {}
    targets = Ticket.objects.all() if viewer is None else visible_tickets(viewer)
    return dict(targets.filter(pk__in=target_ids).values_list("pk", "number"))


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
