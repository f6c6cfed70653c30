"""IMAP intake. `relaydesk mail fetch` polls each mailbox once; `relaydesk mail fetch --idle`
keeps a connection per mailbox and waits with IDLE where the server offers it (fetching when
the server announces new mail), polls where it does not, and reconnects after any failure.
Either way unseen mail is stored, processed, and flagged \\Seen on the server only after it
is committed here."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone
from imapclient import IMAPClient

from relaydesk.mail import ingest
from relaydesk.mail.models import Mailbox, Source

log = logging.getLogger(__name__)
BATCH = 50
TIMEOUT = 30
IDLE_RENEW = 25 * 60  # RFC 2177: servers may drop an IDLE after 30 minutes
IDLE_CHECK = 1.0  # how often a waiting IDLE looks at the stop signal
POLL_INTERVAL = 60
MAX_BACKOFF = 300


def _client(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context() if mailbox.imap_ssl else None
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_ssl,
        ssl_context=context,
        timeout=TIMEOUT,
    )
    client.login(mailbox.imap_username, mailbox.imap_password)
    return client


def _fetch_unseen(client: IMAPClient, mailbox: Mailbox) -> Counter[str]:
    counts: Counter[str] = Counter()
    uids = client.search(["UNSEEN"])
    for start in range(0, len(uids), BATCH):
        batch = uids[start : start + BATCH]
        for uid, data in client.fetch(batch, ["BODY.PEEK[]"]).items():
            raw = data.get(b"BODY[]")
            if not isinstance(raw, bytes):
                continue
            try:
                outcome = ingest.receive(raw, source=Source.IMAP, mailbox=mailbox)
            except ingest.MailTooLarge:
                log.warning("Mail %s in %s is too large; left unread", uid, mailbox)
                continue
            counts[outcome] += 1
            client.add_flags([uid], [b"\\Seen"])  # stored and committed: safe to mark
    return counts


def fetch(mailbox: Mailbox) -> Counter[str]:
    with _client(mailbox) as client:
        client.select_folder(mailbox.imap_folder)
        return _fetch_unseen(client, mailbox)


def _record(mailbox: Mailbox, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_checked_at=timezone.now(), last_error=error[:2000]
    )


def fetch_all() -> Counter[str]:
    """Poll every active IMAP mailbox once; a failing one records its error and the others go on."""
    total: Counter[str] = Counter()
    for mailbox in imap_mailboxes():
        try:
            total += fetch(mailbox)
            error = ""
        except Exception as exc:
            log.warning("IMAP fetch of %s failed: %s", mailbox, exc)
            error = f"{type(exc).__name__}: {exc}"
        _record(mailbox, error)
    return total


def imap_mailboxes() -> list[Mailbox]:
    return list(Mailbox.objects.filter(is_active=True).exclude(imap_host=""))


class ServerGone(ConnectionError):
    pass


def _new_mail(responses: list[tuple[object, ...]]) -> bool:
    if any(r and r[0] == b"BYE" for r in responses):
        raise ServerGone("The IMAP server ended the session.")
    return any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def _wait_idle(client: IMAPClient, stop: threading.Event) -> None:
    """IDLE until the server announces new mail, the renewal time passes, or `stop` is set.

    imapclient's `idle_check` swallows end-of-file: a closed connection makes it return
    nothing at once, again and again. Empty answers well before the timeout, several in a
    row, are taken for a closed connection."""
    client.idle()
    early = 0
    renew_at = time.monotonic() + IDLE_RENEW
    while not stop.is_set() and time.monotonic() < renew_at:
        asked = time.monotonic()
        responses = client.idle_check(timeout=IDLE_CHECK)
        if _new_mail(responses):
            break
        early = early + 1 if not responses and time.monotonic() - asked < IDLE_CHECK / 2 else 0
        if early >= 3:
            raise ServerGone("The IMAP server closed the connection.")
    client.idle_done()


def _session(
    mailbox: Mailbox,
    stop: threading.Event,
    interval: float,
    fetched: Callable[[Counter[str]], None],
) -> None:
    """One connection: fetch what is unseen, then wait (IDLE or poll) and fetch again."""
    with _client(mailbox) as client:
        client.select_folder(mailbox.imap_folder)
        idle = b"IDLE" in client.capabilities()
        while not stop.is_set():
            fetched(_fetch_unseen(client, mailbox))
            _record(mailbox, "")
            close_old_connections()  # a long wait must not hold a database connection
            if idle:
                _wait_idle(client, stop)
            else:
                stop.wait(interval)
                client.noop()


def watch(
    mailbox: Mailbox,
    stop: threading.Event,
    *,
    interval: float = POLL_INTERVAL,
    fetched: Callable[[Counter[str]], None] = lambda counts: None,
) -> None:
    """Keep one mailbox fetched until `stop` is set; any failure is recorded and the
    connection made again after a pause that doubles up to five minutes."""
    failures = 0
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                mailbox.refresh_from_db()  # settings changed in the admin apply on reconnect
                if not mailbox.is_active or not mailbox.imap_host:
                    return
                _session(mailbox, stop, interval, fetched)
            except Exception as exc:
                log.warning("IMAP connection to %s failed: %s", mailbox, exc)
                _record(mailbox, f"{type(exc).__name__}: {exc}")
                close_old_connections()
                # a connection that worked for a while starts the count again
                failures = 1 if time.monotonic() - started > MAX_BACKOFF else failures + 1
                stop.wait(min(2 ** (failures - 1), MAX_BACKOFF))
    finally:
        connection.close()


def start_watchers(
    stop: threading.Event,
    *,
    interval: float = POLL_INTERVAL,
    fetched: Callable[[Counter[str]], None] = lambda counts: None,
) -> list[threading.Thread]:
    """`mail fetch --idle`: one running thread per active IMAP mailbox until `stop` is set."""
    threads = [
        threading.Thread(
            target=watch,
            args=(mailbox, stop),
            kwargs={"interval": interval, "fetched": fetched},
            name=f"imap-{mailbox.pk}",
            daemon=True,
        )
        for mailbox in imap_mailboxes()
    ]
    for thread in threads:
        thread.start()
    return threads
