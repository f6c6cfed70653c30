"""Which mailbox a mail was sent to, and the signed per-ticket reply address (CH1, CH3)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.crypto import constant_time_compare, salted_hmac

from relaydesk.mail.lookups import active_mailboxes
from relaydesk.mail.models import Mailbox

_TOKEN = re.compile(
    r"^(?P<local>[^+@]+)\+t(?P<number>\d{1,12})-(?P<sig>[0-9a-f]{12})@(?P<domain>.+)$"
)


def _signature(number: int) -> str:
    return salted_hmac("relaydesk.mail.reply-address", str(number), algorithm="sha256").hexdigest()[
        :12
    ]


def reply_address(mailbox: Mailbox, number: int) -> str:
    """support+t10042-1a2b3c4d5e6f@example.com: only Relaydesk can make it."""
    local, _, domain = mailbox.address.partition("@")
    return f"{local}+t{number}-{_signature(number)}@{domain}"


def token_number(address: str) -> int | None:
    """The ticket number of a genuine reply address, else None."""
    match = _TOKEN.match(address.lower())
    if match is None:
        return None
    number = int(match["number"])
    return number if constant_time_compare(match["sig"], _signature(number)) else None


def base_address(address: str) -> str:
    """support+anything@example.com → support@example.com."""
    local, _, domain = address.lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def mailbox_for(recipients: Iterable[str]) -> Mailbox | None:
    """The first active mailbox one of the recipients (in order) belongs to."""
    wanted = [base_address(r) for r in recipients]
    if not wanted:
        return None
    boxes = active_mailboxes()
    for address in wanted:
        for box in boxes:
            if address in box.addresses:
                return box
    return None
