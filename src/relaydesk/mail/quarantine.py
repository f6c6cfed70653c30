"""The quarantine as admins see it in the desk: the held mail and its headers shown as text.
The two ways out (process again, discard) are `ingest.retry` and `ingest.discard`."""

from __future__ import annotations

import email.parser

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.mail.addresses import mailbox_for
from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.parse import addresses, header_text, sender_of

MAX_HEADER_BYTES = 64 * 1024


def _require_admin(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only administrators may handle quarantined mail."))


def held(actor: User) -> QuerySet[InboundMail]:
    """Quarantined mail, newest first, without the raw bytes."""
    _require_admin(actor)
    return (
        InboundMail.objects.filter(outcome=Outcome.QUARANTINED)
        .defer("raw")
        .select_related("mailbox")
        .order_by("-received_at", "-id")
    )


def raw_headers(row: InboundMail) -> str:
    """The header block of the raw mail as text (at most 64 KB; undecodable bytes replaced).
    Templates escape it: it is shown, never interpreted."""
    head = bytes(row.raw[: MAX_HEADER_BYTES + 4])
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end != -1:
            head = head[:end]
            break
    text = head[:MAX_HEADER_BYTES].decode("utf-8", "replace").replace("\x00", "\ufffd")
    return text + ("\n…" if len(head) > MAX_HEADER_BYTES else "")


def summary(raw: bytes) -> dict[str, object]:
    """Sender, subject and mailbox read from the headers alone, for mail that failed before
    its fields were filled (a parser failure, a refused sender)."""
    head = email.parser.BytesHeaderParser().parsebytes(raw[:MAX_HEADER_BYTES])
    names = ("Delivered-To", "X-Original-To", "To", "Cc")
    recipients = addresses(*(value for name in names for value in head.get_all(name, [])))
    return {
        "sender": sender_of(head.get("From"))[1][:254],
        "subject": header_text(head.get("Subject"))[:250],
        "mailbox": mailbox_for(recipients),
    }
