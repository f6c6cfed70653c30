"""Bulk changes (TK14): one change applied to many tickets, each through `update_ticket` (or
`merge_tickets`), so every ticket is checked on its own, keeps its history and either changes
whole or not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from relaydesk.accounts.models import STAFF_ROLES, Department, User
from relaydesk.tickets.merging import merge_tickets
from relaydesk.tickets.services import clean_tag_names, retag, update_ticket
from relaydesk.tickets.visibility import visible_tickets


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # number → reason


NO_ASSIGNEE = "none"


@dataclass(frozen=True)
class BulkChange:
    """One bulk change in `update_ticket`'s terms, tags apart (they are per ticket)."""

    changes: dict[str, Any]
    add_tags: list[str]
    remove_tags: list[str]


def change_from(spec: dict[str, Any]) -> BulkChange:
    """A change kept as plain values (ids, codes: what a form posts and a job stores) with
    the rows looked up now; a department or agent gone since is a ValidationError."""
    changes: dict[str, Any] = {k: spec[k] for k in ("status", "priority") if spec.get(k)}
    try:
        if spec.get("department"):
            changes["department"] = Department.objects.get(pk=int(spec["department"]))
        if spec.get("assignee") == NO_ASSIGNEE:
            changes["assignee"] = None
        elif spec.get("assignee"):
            changes["assignee"] = User.objects.get(
                pk=int(spec["assignee"]), role__in=STAFF_ROLES, is_active=True
            )
    except (ValueError, TypeError, Department.DoesNotExist, User.DoesNotExist):
        raise ValidationError(_("The department or agent chosen is gone.")) from None
    return BulkChange(
        changes=changes,
        add_tags=[spec["add_tag"]] if spec.get("add_tag") else [],
        remove_tags=[spec["remove_tag"]] if spec.get("remove_tag") else [],
    )


def _reason(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not change this ticket.")


def bulk_update(
    *,
    actor: User,
    numbers: Iterable[int],
    changes: dict[str, Any],
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
) -> BulkResult:
    """Apply `changes` (update_ticket's fields) and tag additions/removals to each ticket the
    actor can see; tickets they cannot see are refused as unknown, never revealed."""
    added, removed = clean_tag_names(add_tags), clean_tag_names(remove_tags)
    wanted = sorted(set(numbers))
    tickets = {t.number: t for t in visible_tickets(actor).filter(number__in=wanted)}
    result = BulkResult()
    for number in wanted:
        ticket = tickets.get(number)
        if ticket is None:
            result.refused[number] = _("No such ticket.")
            continue
        before = ticket.updated_at
        per_ticket = dict(changes)
        if added or removed:
            names = list(ticket.tags.values_list("name", flat=True))
            per_ticket["tags"] = retag(names, add=added, remove=removed)
        try:
            ticket = update_ticket(ticket, actor=actor, **per_ticket)
        except (ValidationError, PermissionDenied) as error:
            result.refused[number] = _reason(error)
            continue
        (result.changed if ticket.updated_at != before else result.unchanged).append(number)
    return result


def bulk_merge(*, actor: User, numbers: Iterable[int], into: int | None = None) -> BulkResult:
    """Merge every ticket into `into` (a visible ticket's number), by default the oldest of
    them. Each merge is its own transaction through `merge_tickets`; refusals are reported."""
    wanted = sorted(set(numbers))
    tickets = {t.number: t for t in visible_tickets(actor).filter(number__in=wanted)}
    if into is None:  # the oldest
        target = min(tickets.values(), key=lambda t: t.pk, default=None)
    else:
        target = tickets.get(into) or visible_tickets(actor).filter(number=into).first()
    if target is None:
        raise ValidationError({"into": _("No such ticket.")})
    result = BulkResult()
    for number in wanted:
        ticket = tickets.get(number)
        if number == target.number:
            continue
        if ticket is None:
            result.refused[number] = _("No such ticket.")
            continue
        try:
            merge_tickets(ticket, into=target, actor=actor)
        except (ValidationError, PermissionDenied) as error:
            result.refused[number] = _reason(error)
            continue
        result.changed.append(number)
    return result
