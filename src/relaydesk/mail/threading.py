"""Which ticket a mail belongs to (CH3), on three signals in order: In-Reply-To/References
against stored Message-IDs, the ticket token in the subject, the signed reply address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from relaydesk.accounts.models import User
from relaydesk.mail import lookups
from relaydesk.mail.addresses import token_number
from relaydesk.mail.models import OutboundMail, TicketCC
from relaydesk.mail.parse import ParsedMail
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import is_requester_side


def subject_token(number: int) -> str:
    return f"[{settings.MAIL_SUBJECT_TOKEN}{number}]"


def _subject_number(subject: str) -> int | None:
    match = re.search(rf"\[{re.escape(settings.MAIL_SUBJECT_TOKEN)}(\d{{1,12}})\]", subject)
    return int(match[1]) if match else None


@dataclass(frozen=True)
class Thread:
    ticket: Ticket
    signed: bool  # found by the signed reply address: any sender is accepted


def _final(ticket: Ticket | None) -> Ticket | None:
    seen = set()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


def may_thread(parsed: ParsedMail, recipients: list[str]) -> bool:
    """Has the mail any of the three signals `find_thread` follows? Without, it finds none."""
    return bool(
        parsed.in_reply_to
        or parsed.references
        or _subject_number(parsed.subject) is not None
        or any(token_number(address) for address in recipients)
    )


def find_thread(parsed: ParsedMail, recipients: list[str]) -> Thread | None:
    ids = [*parsed.in_reply_to, *reversed(parsed.references)]
    if ids:
        message = lookups.latest_message(ids)
        ticket = message.ticket if message else None
        if ticket is None:
            sent = OutboundMail.objects.filter(message_id__in=ids).select_related("ticket")
            outbound = sent.order_by("-id").first()
            ticket = outbound.ticket if outbound else None
        if ticket is not None:
            return Thread(_final(ticket) or ticket, signed=False)
    number = _subject_number(parsed.subject)
    if number is not None:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None:
            return Thread(_final(ticket) or ticket, signed=False)
    for address in recipients:
        number = token_number(address)
        ticket = Ticket.objects.filter(number=number).first() if number else None
        if ticket is not None:
            return Thread(_final(ticket) or ticket, signed=True)
    return None


def on_ticket(user: User, ticket: Ticket) -> bool:
    """The sender may add to this ticket by mail: requester, a CC, or their organization."""
    return (
        ticket.requester_id == user.pk
        or TicketCC.objects.filter(ticket=ticket, user=user).exists()
        or is_requester_side(user, ticket)
    )
