"""Canned responses (AU4): who sees and keeps which, searching them, and rendering one for a
ticket. Macros are in `macros.py`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.automation import placeholders
from relaydesk.automation.models import CannedResponse, language_codes
from relaydesk.automation.owned import can_keep, language_first, shared_or_own
from relaydesk.automation.services import can_edit_rules
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import visible_tickets

MAX_TITLE = 120
MAX_BODY = 20000
SEARCH_RESULTS = 10


def visible_responses(user: User) -> QuerySet[CannedResponse]:
    """Shared responses and the user's own; nothing for customers."""
    return shared_or_own(CannedResponse.objects.all(), user)


def search(user: User, query: str, *, language: str = "") -> list[CannedResponse]:
    """Responses whose title or text holds every word: those in the ticket's language first,
    then those for any language, then the others."""
    found = visible_responses(user)
    for word in query.split()[:5]:
        found = found.filter(Q(title__icontains=word) | Q(body__icontains=word))
    ranked = found.order_by(language_first(language), Lower("title"), "pk")
    return list(ranked[:SEARCH_RESULTS])


def clean_text(
    title: str, body: str, language: str, *, title_field: str = "title"
) -> tuple[str, str]:
    """A response's title (a macro's name) and text, checked and tidied."""
    title = " ".join((title or "").replace("\x00", "").split())
    body = (body or "").replace("\x00", "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors[title_field] = _("A title is required.")
    elif len(title) > MAX_TITLE:
        errors[title_field] = _("The title is longer than %(max)d characters.") % {"max": MAX_TITLE}
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
    title, body = clean_text(title, body, language)
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
