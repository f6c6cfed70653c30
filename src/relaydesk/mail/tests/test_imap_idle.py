"""`relaydesk mail fetch --idle` against a real Dovecot: IDLE where the server offers it,
polling where it does not, a new connection after the server went away (CH1)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from imapclient import IMAPClient

from relaydesk.mail import imap
from relaydesk.mail.models import InboundMail, Mailbox, Outcome
from relaydesk.mail.tests.conftest import database_url, free_port, make_mail
from relaydesk.mail.tests.dovecot import DOVECOT, dovecot
from relaydesk.mail.tests.test_imap import deliver, unseen
from relaydesk.tickets.models import Ticket

pytestmark = [
    pytest.mark.skipif(
        not Path(DOVECOT).exists(), reason="Dovecot is not installed: run `make system-deps`"
    ),
    pytest.mark.django_db(transaction=True),
]
# Waiting for something that happens in another thread: a bound on a wait, not a timing test.
PATIENCE = 60
NO_IDLE = "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+"


def eventually(check) -> None:
    deadline = time.monotonic() + PATIENCE
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def point_at(mailbox, server) -> None:
    mailbox.imap_host, mailbox.imap_port, mailbox.imap_ssl = server.host, server.port, False
    mailbox.imap_username = "support"
    mailbox.imap_password = server.password
    mailbox.save()


class Watcher:
    def __init__(self, mailbox, **options) -> None:
        self.stop = threading.Event()
        self.fetches: list[Counter[str]] = []
        self.thread = threading.Thread(
            target=imap.watch,
            args=(mailbox, self.stop),
            kwargs={"fetched": self.fetches.append, **options},
        )

    def __enter__(self) -> "Watcher":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=PATIENCE)
        assert not self.thread.is_alive()


def capabilities(server) -> tuple[bytes, ...]:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login("support", server.password)
        return client.capabilities()


def test_mail_delivered_while_idle_waits_is_imported_at_once(mailbox):
    with dovecot(free_port(), ["support"]) as server:
        assert b"IDLE" in capabilities(server)
        point_at(mailbox, server)
        deliver(server, "support", make_mail(subject="Before the watch"))
        # No poll runs on an IDLE server, and IDLE renews after 25 minutes, far beyond
        # PATIENCE: only the server's EXISTS can bring the second mail in.
        with Watcher(mailbox, interval=3600):
            eventually(lambda: Ticket.objects.filter(subject="Before the watch").exists())
            deliver(server, "support", make_mail(subject="While IDLE waits"))
            eventually(lambda: Ticket.objects.filter(subject="While IDLE waits").exists())
        assert unseen(server, "support") == []
        assert InboundMail.objects.filter(outcome=Outcome.CREATED).count() == 2
        mailbox.refresh_from_db()
        assert mailbox.last_error == ""


def test_a_server_without_idle_is_polled(mailbox):
    with dovecot(free_port(), ["support"], extra=NO_IDLE) as server:
        assert b"IDLE" not in capabilities(server)
        point_at(mailbox, server)
        with Watcher(mailbox, interval=0.2) as watcher:
            eventually(lambda: len(watcher.fetches) >= 2)
            deliver(server, "support", make_mail(subject="Found by polling"))
            eventually(lambda: Ticket.objects.filter(subject="Found by polling").exists())
        assert unseen(server, "support") == []


def test_the_watcher_reconnects_after_the_server_went_away(mailbox, monkeypatch):
    monkeypatch.setattr(imap, "MAX_BACKOFF", 1)
    port = free_port()
    watcher = Watcher(mailbox)
    try:
        with dovecot(port, ["support"]) as first:
            point_at(mailbox, first)
            watcher.__enter__()
            eventually(lambda: len(watcher.fetches) >= 1)
        # Dovecot stopped while the watcher waited in IDLE: the failure is recorded
        eventually(lambda: Mailbox.objects.get().last_error != "")
        with dovecot(port, ["support"]) as second:
            deliver(second, "support", make_mail(subject="After the restart"))
            eventually(lambda: Ticket.objects.filter(subject="After the restart").exists())
            eventually(lambda: Mailbox.objects.get().last_error == "")
    finally:
        watcher.__exit__()


def test_the_command_runs_until_terminated_and_reports_each_fetch(mailbox, tmp_path):
    with dovecot(free_port(), ["support"]) as server:
        point_at(mailbox, server)
        env = {**os.environ, "DATABASE_URL": database_url(), "RELAYDESK_HOME": str(tmp_path)}
        process = subprocess.Popen(
            [sys.executable, "-m", "relaydesk.cli", "mail", "fetch", "--idle", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            deliver(server, "support", make_mail(subject="Via the command"))
            eventually(lambda: Ticket.objects.filter(subject="Via the command").exists())
        finally:
            process.send_signal(signal.SIGTERM)
            out, _ = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0
    assert json.loads(out.decode().splitlines()[0])["created"] == 1


def test_the_command_without_imap_mailboxes_says_so(mailbox):
    with pytest.raises(CommandError, match="No active mailbox has an IMAP server"):
        call_command("mail", "fetch", "--idle")
