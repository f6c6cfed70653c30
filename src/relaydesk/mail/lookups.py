"""What processing a batch of mails looks up again and again, read once per batch.

An import processes its mails in batches, one transaction each (`ingest.process_many`).
Inside `batch()`, the active mailboxes, the blocked senders and the customers already seen
are answered from memory; outside it (live intake: IMAP, SMTP, webhooks) every call reads the
database as before. A mail that fails inside the batch rolls back to its savepoint, and
with it any customer it created: `forget_people()` drops what may have gone with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from relaydesk.accounts.models import User
from relaydesk.mail.models import BlockedSender, Mailbox

# More blocked patterns than this are looked up per mail rather than held in memory.
MAX_BLOCKED_IN_MEMORY = 50_000


@dataclass
class _Batch:
    mailboxes: list[Mailbox] | None = None
    blocked: frozenset[str] | None = None
    people: dict[str, User] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("relaydesk_mail_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    token = _batch.set(_Batch())
    try:
        yield
    finally:
        _batch.reset(token)


def active_mailboxes() -> list[Mailbox]:
    current = _batch.get()
    if current is not None and current.mailboxes is not None:
        return current.mailboxes
    boxes = list(Mailbox.objects.filter(is_active=True).select_related("department"))
    if current is not None:
        current.mailboxes = boxes
    return boxes


def is_blocked(address: str) -> bool:
    """Mail from this address, or its domain, is spam (admin → Blocked senders)."""
    address = address.lower()
    candidates = {address, address.rpartition("@")[2]}
    current = _batch.get()
    if current is None:
        return BlockedSender.objects.filter(pattern__in=candidates).exists()
    if current.blocked is None:
        patterns = list(
            BlockedSender.objects.values_list("pattern", flat=True)[: MAX_BLOCKED_IN_MEMORY + 1]
        )
        if len(patterns) > MAX_BLOCKED_IN_MEMORY:
            return BlockedSender.objects.filter(pattern__in=candidates).exists()
        current.blocked = frozenset(p.lower() for p in patterns)
    return not current.blocked.isdisjoint(candidates)


def remembered(address: str) -> User | None:
    """The customer this batch already found or created for the address."""
    current = _batch.get()
    return current.people.get(address.strip().lower()) if current is not None else None


def remember(address: str, user: User) -> None:
    current = _batch.get()
    if current is not None:
        current.people[address.strip().lower()] = user


def forget_people() -> None:
    """After a rolled-back mail: the customers it created (or joined to an organization) may
    be gone with it."""
    current = _batch.get()
    if current is not None:
        current.people.clear()
