"""IMAP intake (`relaydesk mail fetch`): unseen mail of each mailbox is stored, processed, and
flagged \\Seen on the server only after it is committed here."""

from __future__ import annotations

import logging
import ssl
from collections import Counter

from django.utils import timezone
from imapclient import IMAPClient

from relaydesk.mail import ingest
from relaydesk.mail.models import Mailbox, Source

log = logging.getLogger(__name__)
BATCH = 50
TIMEOUT = 30


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


def fetch(mailbox: Mailbox) -> Counter[str]:
    counts: Counter[str] = Counter()
    with _client(mailbox) as client:
        client.select_folder(mailbox.imap_folder)
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


def fetch_all() -> Counter[str]:
    """Poll every active IMAP mailbox once; a failing one records its error and the others go on."""
    total: Counter[str] = Counter()
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host=""):
        try:
            total += fetch(mailbox)
            error = ""
        except Exception as exc:
            log.warning("IMAP fetch of %s failed: %s", mailbox, exc)
            error = f"{type(exc).__name__}: {exc}"
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_checked_at=timezone.now(), last_error=error[:2000]
        )
    return total
