"""Mark as spam (TK9): the ticket is closed and tagged, its sender blocked, so later mail from
them lands in quarantine as spam."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.mail.models import BlockedSender
from relaydesk.tickets import services
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.visibility import can_change

SPAM_TAG = "spam"


@transaction.atomic
def mark_spam(ticket: Ticket, *, actor: User) -> BlockedSender:
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    blocked, _created = BlockedSender.objects.get_or_create(
        pattern=ticket.requester.email.lower(), defaults={"created_by": actor}
    )
    tags = [*ticket.tags.values_list("name", flat=True), SPAM_TAG]
    services.update_ticket(ticket, actor=actor, status=StatusCategory.CLOSED, tags=tags)
    return blocked
