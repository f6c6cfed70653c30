"""What processing a batch of mails looks up again and again, read once per batch.

An import processes its mails in batches, one transaction each (`ingest.process_many`).
Inside `batch()`, the active mailboxes, the blocked senders, the Message-IDs already taken,
the senders who are customers already, the organizations of their domains and the messages
the mails answer (threading's look-up: a mail answering one of the batch's own mails reads
again) are answered from memory, read for the whole batch at once (`prefetch`); outside it
(live intake: IMAP, SMTP, webhooks) every call reads the database as before. A mail that
fails inside a batch run with savepoints (a batch's second run: the first has none, and
any failure rolls it back whole) rolls back to its savepoint, and with it any customer it created:
`forget_people()` drops what may have gone with it (the senders found unknown stay unknown:
what such a mail created is gone).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from relaydesk.accounts.models import ContactEmail, Organization, User
from relaydesk.mail.models import BlockedSender, InboundMail, Mailbox, Outcome
from relaydesk.tickets.models import Message

# More blocked patterns than this are looked up per mail rather than held in memory.
MAX_BLOCKED_IN_MEMORY = 50_000


@dataclass
class _Batch:
    mailboxes: list[Mailbox] | None = None
    blocked: frozenset[str] | None = None
    people: dict[str, User] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # senders nobody has as an address
    refused: set[str] = field(default_factory=set)  # senders who are agents or disabled
    message_ids: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)  # Message-IDs the batch's own mails carry
    referenced: set[str] = field(default_factory=set)  # Message-IDs its mails answer
    replied: dict[str, Message] = field(default_factory=dict)  # the newest message of each
    organizations: dict[str, Organization | None] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("relaydesk_mail_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    token = _batch.set(_Batch())
    try:
        yield
    finally:
        _batch.reset(token)


def prefetch(
    message_ids: Iterable[str], senders: Iterable[str], referenced: Iterable[str] = ()
) -> None:
    """Read for the whole batch what its mails will ask one by one: which Message-IDs are
    taken, which senders are customers already, and the messages (with their tickets) that
    its mails answer (`referenced`: their In-Reply-To and References)."""
    current = _batch.get()
    if current is None:
        return
    current.referenced = {m for m in referenced if m}
    answered = Message.objects.filter(message_id__in=current.referenced).select_related("ticket")
    current.replied = {message.message_id: message for message in answered.order_by("id")}
    ids = [m for m in set(message_ids) if m]
    current.message_ids.update(
        Message.objects.filter(message_id__in=ids).values_list("message_id", flat=True)
    )
    current.message_ids.update(
        InboundMail.objects.filter(message_id__in=ids)
        .exclude(outcome__in=(Outcome.RECEIVED, Outcome.QUARANTINED, Outcome.DISCARDED))
        .values_list("message_id", flat=True)
    )
    addresses = {a.strip().lower() for a in senders if a}
    found = {
        c.email: c.user
        for c in ContactEmail.objects.filter(email__in=addresses).select_related("user")
    }
    for user in User.objects.filter(email__in=addresses - set(found)):
        found[user.email] = user
    for address, user in found.items():
        if user.is_customer and user.is_active:  # agents and disabled ones: refused as ever
            current.people[address] = user
        else:
            current.refused.add(address)
    current.unknown = addresses - set(found)


def refused(address: str) -> bool:
    """The batch found this sender to be an agent or a disabled account (its mail will fail)."""
    current = _batch.get()
    return current is not None and address.strip().lower() in current.refused


def message_id_taken(message_id: str, row: InboundMail) -> bool:
    """A message already carries this Message-ID, or another processed mail does."""
    current = _batch.get()
    if current is not None:
        return message_id in current.message_ids
    return (
        Message.objects.filter(message_id=message_id).exists()
        or InboundMail.objects.filter(message_id=message_id)
        .exclude(pk=row.pk)
        .exclude(outcome__in=(Outcome.RECEIVED, Outcome.QUARANTINED, Outcome.DISCARDED))
        .exists()
    )


def take_message_id(message_id: str) -> None:
    """A mail of the batch was processed (whatever its outcome): its Message-ID is taken."""
    current = _batch.get()
    if current is not None and message_id:
        current.message_ids.add(message_id)
        current.taken.add(message_id)


def latest_message(message_ids: list[str]) -> Message | None:
    """The newest message (with its ticket) carrying one of these Message-IDs: from what the
    batch read ahead, unless a mail of the batch carried one of them since (then read)."""
    current = _batch.get()
    if (
        current is not None
        and current.referenced.issuperset(message_ids)
        and current.taken.isdisjoint(message_ids)
    ):
        known = [current.replied[m] for m in message_ids if m in current.replied]
        return max(known, key=lambda message: message.pk, default=None)
    found = Message.objects.filter(message_id__in=message_ids).select_related("ticket")
    return found.order_by("-id").first()


def organization_for(domain: str) -> Organization | None:
    """The organization whose domains list this one."""
    current = _batch.get()
    if current is not None and domain in current.organizations:
        return current.organizations[domain]
    found = None
    candidates = Organization.objects.filter(domains__icontains=domain).only("id", "domains")
    for organization in candidates:
        if domain in {d.strip().lower() for d in organization.domains.split(",")}:
            found = organization
            break
    if current is not None:
        current.organizations[domain] = found
    return found


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
        address = address.strip().lower()
        current.people[address] = user
        current.unknown.discard(address)


def unknown(address: str) -> bool:
    """Nobody had this address when the batch looked its senders up, nor got it since in
    the batch (`remember`; a customer whose mail rolled back is forgotten, and gone)."""
    current = _batch.get()
    return current is not None and address.strip().lower() in current.unknown


def forget_people() -> None:
    """After a rolled-back mail: the customers it created (or joined to an organization) may
    be gone with it."""
    current = _batch.get()
    if current is not None:
        current.people.clear()
