"""Canned responses and macros (AU4): who sees and keeps which, rendering one for a ticket, and
applying a macro's reply and field changes in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.automation import placeholders
from relaydesk.automation.models import CannedResponse, Macro, language_codes
from relaydesk.automation.services import can_edit_rules
from relaydesk.tickets import services as tickets
from relaydesk.tickets.models import Priority, Ticket
from relaydesk.tickets.visibility import can_change, visible_tickets

MAX_TITLE = 120
MAX_BODY = 20000
SEARCH_RESULTS = 10


def visible_responses(user: User) -> QuerySet[CannedResponse]:
    """Shared responses and the user's own; nothing for customers."""
    if not user.is_agent:
        return CannedResponse.objects.none()
    return CannedResponse.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def search(user: User, query: str, *, language: str = "") -> list[CannedResponse]:
    """Responses whose title or text holds every word: those in the ticket's language first,
    then those for any language, then the others."""
    found = visible_responses(user)
    for word in query.split()[:5]:
        found = found.filter(Q(title__icontains=word) | Q(body__icontains=word))
    rank = Case(
        When(language=language, then=Value(0)), When(language="", then=Value(1)), default=Value(2)
    )
    return list(found.order_by(rank, Lower("title"), "pk")[:SEARCH_RESULTS])


def can_keep(actor: User, response: CannedResponse) -> bool:
    if response.is_shared:
        return can_edit_rules(actor)
    return response.owner_id == actor.pk


def _clean(title: str, body: str, language: str) -> tuple[str, str]:
    title = " ".join((title or "").replace("\x00", "").split())
    body = (body or "").replace("\x00", "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("A title is required.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title is longer than %(max)d characters.") % {"max": MAX_TITLE}
    if len(body) > MAX_BODY:
        errors["body"] = _("The text is longer than %(max)d characters.") % {"max": MAX_BODY}
    if language and language not in language_codes():
        errors["language"] = _("Unknown language.")
    if errors:
        raise ValidationError(errors)
    return title, body


@transaction.atomic
def save_response(
    *,
    actor: User,
    response: CannedResponse | None,
    title: str,
    body: str,
    language: str,
    shared: bool,
) -> CannedResponse:
    """Create or change a response. Every agent keeps personal ones; shared ones are kept by
    admins and supervisors."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents keep canned responses."))
    if response is not None and not can_keep(actor, response):
        raise PermissionDenied(_("You may not change this canned response."))
    if shared and not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors keep shared responses."))
    title, body = _clean(title, body, language)
    if not body:
        raise ValidationError({"body": _("The text is empty.")})
    response = response or CannedResponse()
    response.title, response.body, response.language = title, body, language
    response.owner = None if shared else actor
    response.updated_at = timezone.now()
    response.save()
    return response


@transaction.atomic
def delete_response(response: CannedResponse, *, actor: User) -> None:
    if not actor.is_agent or not can_keep(actor, response):
        raise PermissionDenied(_("You may not change this canned response."))
    response.delete()


def render_for(response: CannedResponse, *, ticket: Ticket, actor: User) -> str:
    """The response's text for this ticket: placeholders filled in, nothing else interpreted.
    Refused unless the person sees both the ticket and the response."""
    if not visible_tickets(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("You may not see this ticket."))
    if not visible_responses(actor).filter(pk=response.pk).exists():
        raise PermissionDenied(_("You may not use this canned response."))
    return placeholders.render(response.body, ticket=ticket, agent=actor)


def _check_macro(name: str, body: str, status: str, priority: int | None, add_tags: str) -> str:
    name, body = _clean(name, body, "")
    errors: dict[str, Any] = {}
    if status:
        try:
            tickets.parse_status(status)
        except ValidationError as error:
            errors.update(error.message_dict)
    if priority is not None and priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    try:
        tickets.clean_tag_names(add_tags.split(","))
    except ValidationError as error:
        errors["add_tags"] = error.message_dict["tags"]
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def save_macro(
    *,
    actor: User,
    macro: Macro | None,
    name: str,
    body: str,
    internal: bool,
    status: str,
    priority: int | None,
    add_tags: str,
    assign_to_me: bool,
) -> Macro:
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors keep macros."))
    name = _check_macro(name, body, status, priority, add_tags)
    macro = macro or Macro()
    macro.name, macro.body, macro.internal = name, (body or "").strip(), internal
    macro.status, macro.priority, macro.assign_to_me = status, priority, assign_to_me
    macro.add_tags = ", ".join(tickets.clean_tag_names(add_tags.split(",")))
    macro.updated_at = timezone.now()
    macro.save()
    return macro


@transaction.atomic
def delete_macro(macro: Macro, *, actor: User) -> None:
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors keep macros."))
    macro.delete()


@transaction.atomic
def apply_macro(macro: Macro, *, ticket: Ticket, actor: User) -> Ticket:
    """The macro's reply and changes through the ticket services, in one transaction: if any
    part is refused, nothing of it stays. Each part is a history line of its own."""
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    if macro.body:
        text = placeholders.render(macro.body, ticket=ticket, agent=actor)
        tickets.add_message(ticket, actor=actor, body=tickets.Body(text), internal=macro.internal)
    changes: dict[str, Any] = {}
    if macro.status:
        changes["status"] = macro.status
    if macro.priority is not None:
        changes["priority"] = macro.priority
    if macro.tag_names:
        current = list(ticket.tags.values_list("name", flat=True))
        changes["tags"] = [*current, *macro.tag_names]
    if macro.assign_to_me:
        changes["assignee"] = actor
    if changes:
        ticket = tickets.update_ticket(ticket, actor=actor, **changes)
    return ticket
