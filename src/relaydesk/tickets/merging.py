"""Merge, split and link tickets (TK7): part of the service layer, built on its helpers.

A merge *moves* the source's messages (with their attachments) to the target, so the
conversation, its search document and mail threading live in one place; the source keeps its
history lines, is closed and points to the target (`merged_into`). Targets are never merged
tickets, and the source's own merged tickets are re-pointed to the target, so every chain is one
step long and no cycle can form.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.mail.models import TicketCC
from relaydesk.tickets import events
from relaydesk.tickets.models import Message, StatusCategory, Ticket
from relaydesk.tickets.services import (
    _clean_subject,
    _on_commit_broadcast,
    _require_agent_can_change,
    _set_status,
    _set_tags,
    _touch,
    insert_ticket,
)
from relaydesk.tickets.visibility import can_change, visible_tickets

MAX_SPLIT = 500  # messages moved by one split
MAX_LINKS = 50  # linked tickets per ticket


def _require_agent(actor: User) -> None:
    if not actor.is_active or not actor.is_agent:
        raise PermissionDenied(_("You may not change this ticket."))


def _other(actor: User, ticket: Ticket, *, field: str) -> None:
    """The second ticket of a merge or link: unknown if invisible, refused if read-only."""
    if not visible_tickets(actor).filter(pk=ticket.pk).exists():
        raise ValidationError({field: _("No such ticket.")})
    if not can_change(actor, ticket):
        raise PermissionDenied(
            _("You may not change ticket #%(number)d.") % {"number": ticket.number}
        )


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Both rows locked in id order (two merges of the same pair cannot deadlock)."""
    rows = {
        t.pk: t
        for t in Ticket.objects.select_for_update(of=("self",))
        .select_related("department", "requester")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


@transaction.atomic
def merge_tickets(source: Ticket, *, into: Ticket, actor: User) -> Ticket:
    """Merge `source` into `into`: messages move, CCs, followers, tags and links are united, the
    source's requester is copied on the target, the source is closed and points to the target.
    Both tickets get a history line. The actor must be able to change both."""
    _require_agent(actor)
    if source.pk == into.pk:
        raise ValidationError({"into": _("A ticket cannot be merged into itself.")})
    _other(actor, into, field="into")
    source, into = _lock_pair(source, into)
    _require_agent_can_change(actor, source)
    if source.merged_into_id is not None:
        raise ValidationError(_("This ticket is already merged into another one."))
    if into.merged_into_id is not None:
        raise ValidationError(
            {
                "into": _("Ticket #%(number)d was merged into another ticket; merge into that one.")
                % {"number": into.number}
            }
        )
    if into.status == StatusCategory.CLOSED:
        raise ValidationError(
            {"into": _("Ticket #%(number)d is closed.") % {"number": into.number}}
        )

    Message.objects.filter(ticket=source).update(ticket=into)
    tags = {*into.tags.values_list("name", flat=True), *source.tags.values_list("name", flat=True)}
    _set_tags(into, actor=actor, names=sorted(tags))
    into.followers.add(*source.followers.all())
    copied = {*TicketCC.objects.filter(ticket=source).values_list("user_id", flat=True)}
    if source.requester_id != into.requester_id and source.requester.is_customer:
        copied.add(source.requester_id)
    copied.discard(into.requester_id)
    TicketCC.objects.bulk_create(
        [TicketCC(ticket=into, user_id=user_id) for user_id in sorted(copied)],
        ignore_conflicts=True,
    )
    into.linked.add(*source.linked.exclude(pk=into.pk))
    Ticket.objects.filter(merged_into=source).update(merged_into=into)

    _touch(source, merged_into=into)
    events.merged_into(source, actor=actor, target=into)
    if source.status != StatusCategory.CLOSED:
        _set_status(
            source,
            actor=actor,
            status=StatusCategory.CLOSED,
            custom_status=None,
            now=timezone.now(),
        )
    _touch(into)
    events.merged_from(into, actor=actor, source=source)
    _on_commit_broadcast(source, "updated", public=True)
    _on_commit_broadcast(into, "message", public=True)
    return into


@transaction.atomic
def split_ticket(
    ticket: Ticket, *, actor: User, messages: Iterable[int], subject: str = ""
) -> Ticket:
    """Move the chosen messages of `ticket` into a new ticket with the same requester and
    properties; at least one message stays. History on both."""
    _require_agent(actor)
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    _require_agent_can_change(actor, ticket)
    if ticket.merged_into_id is not None:
        raise ValidationError(_("A merged ticket cannot be split."))
    ids = sorted({int(pk) for pk in messages})
    if not ids:
        raise ValidationError({"messages": _("Choose the messages to move.")})
    if len(ids) > MAX_SPLIT:
        raise ValidationError(
            {"messages": _("At most %(max)d messages at once.") % {"max": MAX_SPLIT}}
        )
    moving = Message.objects.filter(ticket=ticket, pk__in=ids)
    if moving.count() != len(ids):
        raise ValidationError({"messages": _("Choose messages of this ticket.")})
    if not Message.objects.filter(ticket=ticket).exclude(pk__in=ids).exists():
        raise ValidationError({"messages": _("Leave at least one message on the ticket.")})
    subject = _clean_subject(subject or ticket.subject)

    now = timezone.now()
    new = insert_ticket(
        subject=subject,
        requester=ticket.requester,
        organization=ticket.organization,
        department=ticket.department,
        assignee=ticket.assignee,
        status=StatusCategory.OPEN if ticket.assignee_id else StatusCategory.NEW,
        priority=ticket.priority,
        type=ticket.type,
        category=ticket.category,
        channel=ticket.channel,
        custom_fields=ticket.custom_fields,
        language=ticket.language,
        created_at=now,
        updated_at=now,
    )
    new.tags.add(*ticket.tags.all())
    moving.update(ticket=new)
    events.ticket_created(new, actor=actor)
    events.split_from(new, actor=actor, original=ticket)
    _touch(ticket)
    events.split_to(ticket, actor=actor, new=new, count=len(ids))
    _on_commit_broadcast(ticket, "message", public=True)
    _on_commit_broadcast(new, "created", public=False)
    return new


@transaction.atomic
def set_link(ticket: Ticket, *, other: Ticket, actor: User, linked: bool) -> None:
    """Link two related tickets, or unlink them; a history line on each."""
    _require_agent(actor)
    if ticket.pk == other.pk:
        raise ValidationError({"other": _("A ticket cannot be linked to itself.")})
    _other(actor, other, field="other")
    ticket, other = _lock_pair(ticket, other)
    _require_agent_can_change(actor, ticket)
    if ticket.linked.filter(pk=other.pk).exists() == linked:
        return
    if linked:
        if ticket.linked.count() >= MAX_LINKS or other.linked.count() >= MAX_LINKS:
            raise ValidationError(
                {"other": _("A ticket has at most %(max)d links.") % {"max": MAX_LINKS}}
            )
        ticket.linked.add(other)
    else:
        ticket.linked.remove(other)
    for one, two in ((ticket, other), (other, ticket)):
        _touch(one)
        events.link_changed(one, actor=actor, other=two, linked=linked)
        _on_commit_broadcast(one, "updated", public=False)
