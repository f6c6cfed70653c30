"""`relaydesk smtpd`: an SMTP (or LMTP) listener an MTA hands mail to (CH1)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from relaydesk.mail import ingest
from relaydesk.mail.addresses import mailbox_for
from relaydesk.mail.models import Source


def _deliver(raw: bytes, recipients: list[str]) -> None:
    mailbox = mailbox_for(recipients)
    ingest.receive(
        raw,
        source=Source.SMTP,
        mailbox=mailbox,
        envelope_recipient=recipients[0] if recipients else "",
    )


class Handler:
    """Accepts mail for our mailboxes; answers 250 only once the raw mail is stored."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if await sync_to_async(mailbox_for)([address]) is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if len(raw) > settings.MAIL_MAX_BYTES:
            return "552 5.3.4 Message too big"
        try:
            await sync_to_async(_deliver, thread_sensitive=False)(raw, list(envelope.rcpt_tos))
        except Exception:
            return "451 4.3.0 Please try again later"
        return "250 2.0.0 Message accepted"


class LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def controller(host: str, port: int, *, lmtp: bool = False) -> Controller:
    cls = LMTPController if lmtp else Controller
    return cls(
        Handler(),
        hostname=host,
        port=port,
        data_size_limit=settings.MAIL_MAX_BYTES,
        decode_data=False,
    )


class Command(BaseCommand):
    help = "Receive mail by SMTP (or LMTP with --lmtp) from an MTA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")

    def handle(self, *args: Any, **options: Any) -> None:
        server = controller(options["host"], options["port"], lmtp=options["lmtp"])
        server.start()
        self.stdout.write(f"Receiving mail on {options['host']}:{options['port']}")
        try:
            asyncio.run(asyncio.Event().wait())
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
