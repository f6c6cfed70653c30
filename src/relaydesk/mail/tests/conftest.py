"""Mail test fixtures: mailboxes for support@ and sales@, the corpus and a mail builder."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.db import connection

from relaydesk.mail.models import Mailbox

CORPUS = Path(__file__).parent / "corpus"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def make_mail(
    *,
    sender: str = "Carol Customer <carol@acme.test>",
    to: str = "support@example.com",
    subject: str = "Printer on fire",
    body: str = "It started smoking this morning.",
    cc: str = "",
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="acme.test")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail.as_bytes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailbox(support) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@example.com",
        aliases="help@example.com",
        department=support,
        sender_name="Example Support",
        send_acknowledgement=False,
    )


@pytest.fixture
def sales_mailbox(sales) -> Mailbox:
    return Mailbox.objects.create(name="Sales", address="sales@example.com", department=sales)


def database_url() -> str:
    """The test database as a DATABASE_URL, for a `relaydesk` process the test starts."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every mail it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; the site's mailer points at it."""
    from aiosmtpd.controller import Controller

    from relaydesk.settings import mailer_from_url

    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}")}
    handler.port = port
    yield handler
    controller.stop()
