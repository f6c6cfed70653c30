"""Third parties by mail (TK10): forward a ticket's conversation, or copy them (Cc, Bcc) on a
public reply. Their replies come back through the ticket's signed reply address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.mail.models import OutboundMail
from relaydesk.mail.outbound import mailbox_of, queue_forward
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import can_change

MAX_RECIPIENTS = 20


def clean_addresses(value: str, field: str) -> list[str]:
    addresses = [a.strip().lower() for a in value.replace(";", ",").split(",") if a.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {field: _("%(address)s is not a valid address.") % {"address": address[:100]}}
            ) from None
    return list(dict.fromkeys(addresses))


def reply_copies(ticket: Ticket, *, cc: str, bcc: str) -> dict[str, str]:
    """The composer's Cc and Bcc as the headers to keep with a public reply; the ticket's own
    CCs are copied anyway. A ticket without a mailbox sends no mail to copy."""
    copies = {"Cc": clean_addresses(cc, "cc"), "Bcc": clean_addresses(bcc, "bcc")}
    if not any(copies.values()):
        return {}
    if len(copies["Cc"]) + len(copies["Bcc"]) > MAX_RECIPIENTS:
        raise ValidationError({"cc": _("At most %(max)d recipients.") % {"max": MAX_RECIPIENTS}})
    if mailbox_of(ticket) is None:
        raise ValidationError({"cc": _("This ticket has no mailbox to send from.")})
    return {name: ", ".join(found) for name, found in copies.items() if found}


@transaction.atomic
def forward(
    ticket: Ticket, *, actor: User, to: str, cc: str = "", bcc: str = "", note: str = ""
) -> OutboundMail:
    """Mails the public conversation with a note; an internal note records who got it."""
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    recipients = {
        "to": clean_addresses(to, "to"),
        "cc": clean_addresses(cc, "cc"),
        "bcc": clean_addresses(bcc, "bcc"),
    }
    if not recipients["to"]:
        raise ValidationError({"to": _("Enter at least one address.")})
    if sum(len(v) for v in recipients.values()) > MAX_RECIPIENTS:
        raise ValidationError(_("At most %(max)d recipients.") % {"max": MAX_RECIPIENTS})
    mailbox = mailbox_of(ticket)
    if mailbox is None:
        raise ValidationError(_("This ticket has no mailbox to send from."))
    everyone = ", ".join(recipients["to"] + recipients["cc"] + recipients["bcc"])
    record = services.add_message(
        ticket,
        actor=actor,
        body=services.Body(
            _("Forwarded by mail to %(who)s.") % {"who": everyone}
            + (f"\n\n{note}" if note.strip() else "")
        ),
        internal=True,
    )
    return queue_forward(
        ticket, mailbox=mailbox, actor=actor, note=note.strip(), record=record, **recipients
    )
