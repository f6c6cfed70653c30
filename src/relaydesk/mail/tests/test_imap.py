"""`relaydesk mail fetch` against a real Dovecot (CH1)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from imapclient import IMAPClient

from relaydesk.mail.models import Mailbox
from relaydesk.mail.tests.conftest import free_port, make_mail
from relaydesk.mail.tests.dovecot import DOVECOT, dovecot
from relaydesk.tickets.models import Ticket

pytestmark = pytest.mark.skipif(
    not Path(DOVECOT).exists(), reason="Dovecot is not installed: run `make system-deps`"
)


@pytest.fixture(scope="module")
def imap_server():
    with dovecot(free_port(), ["support", "sales"]) as server:
        yield server


def deliver(server, user: str, raw: bytes) -> None:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login(user, server.password)
        client.append("INBOX", raw)


def unseen(server, user: str) -> list[int]:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login(user, server.password)
        client.select_folder("INBOX")
        return client.search(["UNSEEN"])


def fetch() -> dict[str, int]:
    out = StringIO()
    call_command("mail", "fetch", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def imap_mailbox(mailbox, imap_server):
    mailbox.imap_host = imap_server.host
    mailbox.imap_port = imap_server.port
    mailbox.imap_ssl = False
    mailbox.imap_username = "support"
    mailbox.imap_password = imap_server.password
    mailbox.save()
    return mailbox


def test_fetch_turns_unseen_mail_into_tickets_and_marks_it_seen(imap_mailbox, imap_server):
    deliver(imap_server, "support", make_mail(subject="By IMAP"))
    deliver(imap_server, "support", make_mail(subject="By IMAP too"))
    assert fetch()["created"] == 2
    assert set(Ticket.objects.values_list("subject", flat=True)) == {"By IMAP", "By IMAP too"}
    assert unseen(imap_server, "support") == []
    assert fetch()["read"] == 0


def test_a_failing_mailbox_records_its_error_and_the_others_go_on(imap_mailbox, imap_server, sales):
    Mailbox.objects.create(
        name="Sales",
        address="sales@example.com",
        department=sales,
        imap_host="127.0.0.1",
        imap_port=free_port(),  # nothing listens there
        imap_ssl=False,
        imap_username="sales",
    )
    deliver(imap_server, "support", make_mail(subject="Still fetched"))
    assert fetch()["created"] == 1
    broken = Mailbox.objects.get(address="sales@example.com")
    assert "ConnectionRefused" in broken.last_error
    assert broken.last_checked_at is not None
