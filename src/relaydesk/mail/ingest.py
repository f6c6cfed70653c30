"""Inbound mail, from raw bytes to a ticket message (CH1, CH3, DESIGN rule 3).

`store` keeps the raw mail first, in its own transaction; `process` turns it into a ticket
or a message in one more. A mail that fails is quarantined with its error, never dropped;
the same mail stored twice (same bytes, or the same Message-ID) makes one message.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.mail import lookups, outbound
from relaydesk.mail.addresses import base_address, mailbox_for
from relaydesk.mail.attachments import uploads_for
from relaydesk.mail.models import (
    DeliveryState,
    InboundMail,
    Mailbox,
    OutboundMail,
    Outcome,
    Source,
    TicketCC,
)
from relaydesk.mail.parse import ParsedMail, parse
from relaydesk.mail.people import customer_for
from relaydesk.mail.quarantine import summary
from relaydesk.mail.threading import find_thread, may_thread, on_ticket
from relaydesk.search import indexer
from relaydesk.sla import receivers as sla
from relaydesk.tickets import events, live, services
from relaydesk.tickets.committed import separate_actions
from relaydesk.tickets.models import Channel, StatusCategory, Ticket
from relaydesk.tickets.text import html_to_text, sanitize_html
from relaydesk.webhooks import outbox as webhooks

log = logging.getLogger(__name__)
MAX_CCS = 20


class MailTooLarge(ValueError):
    pass


def store(
    raw: bytes,
    *,
    source: str = Source.IMPORT,
    mailbox: Mailbox | None = None,
    envelope_recipient: str = "",
) -> tuple[InboundMail, bool]:
    """The stored row for these bytes and whether it is new. Committed before returning."""
    if len(raw) > settings.MAIL_MAX_BYTES:
        raise MailTooLarge(
            _("The mail is larger than the limit of %(max)d bytes.")
            % {"max": settings.MAIL_MAX_BYTES}
        )
    digest = hashlib.sha256(raw).hexdigest()
    existing = InboundMail.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = InboundMail.objects.create(
                sha256=digest,
                raw=raw,
                size=len(raw),
                source=source,
                mailbox=mailbox,
                envelope_recipient=envelope_recipient[:254],
            )
    except IntegrityError:  # stored meanwhile by another process
        return InboundMail.objects.get(sha256=digest), False
    return row, True


BATCH_MESSAGES = 200
BATCH_BYTES = 16 * 1024 * 1024
# Mails processed per transaction: enough to share the commits and the per-batch reads, few
# enough that a crash or a batch that must be redone one by one costs little.
PROCESS_BATCH = 100


def receive_many(raws: Iterable[bytes]) -> Iterator[Outcome]:
    """`receive` for an import: stores a batch of mails in one transaction (at most
    BATCH_MESSAGES mails or BATCH_BYTES, so memory stays bounded), then processes each."""
    _import_session()
    batch: list[bytes] = []
    size = 0
    for raw in raws:
        if len(raw) > settings.MAIL_MAX_BYTES:
            yield from _receive_batch(batch)
            batch, size = [], 0
            raise MailTooLarge(
                _("The mail is larger than the limit of %(max)d bytes.")
                % {"max": settings.MAIL_MAX_BYTES}
            )
        batch.append(raw)
        size += len(raw)
        if len(batch) >= BATCH_MESSAGES or size >= BATCH_BYTES:
            yield from _receive_batch(batch)
            batch, size = [], 0
    yield from _receive_batch(batch)


def _import_session() -> None:
    """An import reads files that stay where they are: on PostgreSQL its commits need not wait
    for the disk. A crash can lose the last instants of work, never consistency, and running
    the import again redoes exactly what was lost. Live intake (IMAP, SMTP, webhooks) keeps
    synchronous commits: there the sender is told the mail is safe."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def _receive_batch(raws: list[bytes]) -> Iterator[Outcome]:
    if not raws:
        return
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    known = dict(InboundMail.objects.filter(sha256__in=digests).values_list("sha256", "outcome"))
    with transaction.atomic():
        InboundMail.objects.bulk_create(
            [
                InboundMail(sha256=digest, raw=raw, size=len(raw), source=Source.IMPORT)
                for digest, raw in dict(zip(digests, raws, strict=True)).items()
                if digest not in known
            ],
            ignore_conflicts=True,
        )
    ids = dict(InboundMail.objects.filter(sha256__in=digests).values_list("sha256", "pk"))
    todo: list[int] = []
    for digest in dict.fromkeys(digests):
        if known.get(digest, Outcome.RECEIVED) == Outcome.RECEIVED:
            todo.append(ids[digest])
    outcomes: dict[int, Outcome] = {}
    for start in range(0, len(todo), PROCESS_BATCH):
        outcomes.update(process_many(todo[start : start + PROCESS_BATCH]))
    seen: set[str] = set()
    for digest in digests:
        if digest in seen or ids[digest] not in outcomes:
            yield Outcome.DUPLICATE
        else:
            yield outcomes[ids[digest]]
        seen.add(digest)


def receive(raw: bytes, **options: object) -> Outcome:
    """Store and process; a mail seen before is a duplicate unless it was never processed
    (the importer died after storing it), in which case it is processed now."""
    row, new = store(raw, **options)  # type: ignore[arg-type]
    if not new and row.outcome != Outcome.RECEIVED:
        return Outcome.DUPLICATE
    return process(row)


def process(row: InboundMail) -> Outcome:
    try:
        with transaction.atomic():
            locked = InboundMail.objects.select_for_update().get(pk=row.pk)
            if locked.outcome not in (Outcome.RECEIVED, Outcome.QUARANTINED):
                return Outcome.DUPLICATE
            return _process(locked)
    except Exception as exc:  # anything at all: the mail waits in quarantine with the reason
        _held(row, exc)
        return Outcome.QUARANTINED


class _MailFailed(Exception):
    """A mail of a batch run without savepoints failed: the batch is run again with them."""


def process_many(ids: list[int]) -> dict[int, Outcome]:
    """`process` for a batch of stored mails (an import): one transaction for them all, so a
    mail that fails is quarantined while the others commit together. The batch first runs
    with no savepoint per mail, nor per action or new sender (`events.without_savepoints`):
    most batches have no failing mail. Should one fail, or one be bound to fail
    (`_bound_to_fail`), the batch rolls back and runs again with a savepoint per mail, so the
    failing one rolls back alone. Search documents, SLA due times and the
    mails' outcomes are written once for the batch, from what it stored; the automation and
    notifications run after the commit for each mail's lines apart, as if each mail had
    committed alone (from the lines as written: `tickets/committed.py`).
    Should the batch itself fail (its commit, the database going away), each mail is
    processed again on its own."""
    try:
        return _process_batch(ids, savepoints=False)
    except _MailFailed:
        return _process_batch(ids, savepoints=True)


def _process_batch(ids: list[int], *, savepoints: bool) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}
    failed: dict[int, Exception] = {}
    committed: list[bool] = []
    try:
        with (
            live.sent_together(),
            transaction.atomic(),
            lookups.batch(),
            indexer.deferred(),
            sla.deferred(),
            webhooks.endpoints_read_once(),
        ):
            transaction.on_commit(lambda: committed.append(True))  # the first to run
            rows = {
                pk: row
                for pk, row in InboundMail.objects.select_for_update().in_bulk(ids).items()
                if row.outcome in (Outcome.RECEIVED, Outcome.QUARANTINED)
            }
            parsed = {pk: _parsed(row) for pk, row in rows.items()}
            lookups.prefetch(
                (p.message_id for p in parsed.values() if p),
                (p.sender for p in parsed.values() if p),
                (m for p in parsed.values() if p for m in (*p.in_reply_to, *p.references)),
            )
            if not savepoints and any(map(_bound_to_fail, parsed.values())):
                raise _MailFailed  # before anything is written: run with savepoints at once
            finished: list[InboundMail] = []
            openings = None if savepoints else _Openings()
            for pk in ids:
                separate_actions()
                if pk not in rows:
                    outcomes[pk] = Outcome.DUPLICATE
                    continue
                try:
                    with transaction.atomic() if savepoints else events.without_savepoints():
                        outcomes[pk] = _process(
                            rows[pk], parsed[pk], deferred=True, openings=openings
                        )
                except Exception as exc:
                    if not savepoints:
                        raise _MailFailed from exc
                    failed[pk] = exc  # held below, once the others are committed
                    lookups.forget_people()
                else:
                    finished.append(rows[pk])
                    if outcomes[pk] != Outcome.QUARANTINED and (mail := parsed[pk]):
                        # the parsed one: a mail waiting to open a ticket has no outcome yet
                        lookups.take_message_id(mail.message_id)
            if openings is not None:
                try:
                    with events.without_savepoints():
                        openings.flush()
                except Exception as exc:
                    raise _MailFailed from exc
            if not savepoints and connection.needs_rollback:
                # An error was caught where no savepoint could take it back: nothing of this
                # run would commit. Run again with savepoints rather than report it done.
                raise _MailFailed
            _store_outcomes(finished)
    except _MailFailed:
        raise
    except Exception:
        if not committed:
            log.exception("A batch of %s inbound mails failed; processing each alone", len(ids))
            return {pk: process(InboundMail(pk=pk)) for pk in ids}
        log.exception("Work after the commit of %s inbound mails failed", len(ids))
    for pk, error in failed.items():
        _held(InboundMail(pk=pk), error)
        outcomes[pk] = Outcome.QUARANTINED
    return outcomes


# Every field `_finish` may set.
_OUTCOME_FIELDS = (
    "outcome",
    "processed_at",
    "message_id",
    "subject",
    "sender",
    "mailbox",
    "error",
    "ticket",
    "related_ticket",
    "ticket_message",
)


def _bound_to_fail(parsed: ParsedMail | None) -> bool:
    """A mail that will fail as far as its batch can tell: unparseable, without a sender, or
    from an agent or a disabled account."""
    return parsed is None or "@" not in parsed.sender or lookups.refused(parsed.sender)


def _store_outcomes(finished: list[InboundMail]) -> None:
    """The outcomes of a batch's mails (`_finish` left them on the rows), in one round trip:
    `executemany` of one parametrized UPDATE, pipelined on PostgreSQL (an ORM `bulk_update`
    of 50 rows costs more CPU than the 50 UPDATEs it saves)."""
    if not finished:
        return
    meta = InboundMail._meta
    named = {f.name: str(f.column) for f in meta.concrete_fields}
    quote = connection.ops.quote_name
    assignments = [f"{quote(named[name])} = %s" for name in _OUTCOME_FIELDS]
    # Fixed SQL from the model's names; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE id = %s"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        [
            row.outcome,
            adapt(row.processed_at),
            row.message_id,
            row.subject,
            row.sender,
            row.mailbox_id,
            row.error,
            row.ticket_id,
            row.related_ticket_id,
            row.ticket_message_id,
            row.pk,
        ]
        for row in finished
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _parsed(row: InboundMail) -> ParsedMail | None:
    """The mail parsed ahead of its batch; None when it cannot be (`_process` parses it again
    and fails with the reason, which the quarantine keeps)."""
    try:
        return parse(bytes(row.raw))
    except Exception:
        return None


def _held(row: InboundMail, exc: Exception) -> None:
    if not isinstance(exc, ValidationError | PermissionDenied):
        log.exception("Inbound mail %s quarantined", row.pk, exc_info=exc)
    quarantine(row, _error_text(exc))


def quarantine(row: InboundMail, error: str, outcome: str = Outcome.QUARANTINED) -> None:
    """Holds the mail with its error; sender and subject come from the headers alone, so the
    quarantine names even mail that failed before it was parsed."""
    found = InboundMail.objects.filter(pk=row.pk)
    stored = found.values_list("raw", "mailbox_id").first()
    try:
        named = summary(bytes(stored[0])) if stored else {}
    except Exception:  # headers too broken even to name the mail: hold it unnamed
        log.exception("Inbound mail %s: headers unreadable", row.pk)
        named = {}
    if stored and stored[1]:
        named.pop("mailbox", None)
    found.update(outcome=outcome, error=error[:2000], processed_at=timezone.now(), **named)
    row.outcome, row.error = outcome, error


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@dataclass
class _Context:
    row: InboundMail
    parsed: ParsedMail
    recipients: list[str]
    mailbox: Mailbox | None
    deferred: bool  # the outcome is written by the batch (`_store_outcomes`)


def _finish(ctx: _Context, outcome: str, **fields: object) -> Outcome:
    """The outcome, and the fields it sets on the stored mail: on the row, and written now
    unless the batch writes them (`deferred`)."""
    row = ctx.row
    fields.update(
        outcome=outcome,
        processed_at=timezone.now(),
        message_id=ctx.parsed.message_id,
        subject=ctx.parsed.subject[:250],
        sender=ctx.parsed.sender[:254],
        mailbox=ctx.mailbox,
        error=str(fields.get("error", "")),
    )
    if not ctx.deferred:
        InboundMail.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)
    return Outcome(outcome)


def _process(
    row: InboundMail,
    parsed: ParsedMail | None = None,
    *,
    deferred: bool = False,
    openings: _Openings | None = None,
) -> Outcome:
    """The mail's outcome (`_finish`). With `openings` (a batch run without savepoints), a
    mail that opens a ticket may wait there to be written with the next ones: its row gets
    its outcome's fields then."""
    parsed = parsed or parse(bytes(row.raw))
    recipients = [
        r
        for r in (row.envelope_recipient.lower(), *parsed.delivered_to, *parsed.to, *parsed.cc)
        if r
    ]
    ctx = _Context(row, parsed, recipients, row.mailbox or mailbox_for(recipients), deferred)
    if parsed.message_id and lookups.message_id_taken(parsed.message_id, row):
        return _finish(ctx, Outcome.DUPLICATE)
    if parsed.bounce_of:
        OutboundMail.objects.filter(message_id__in=parsed.bounce_of).update(
            state=DeliveryState.FAILED,
            last_error=_("Bounced: %(text)s") % {"text": parsed.text[:500]},
        )
        return _finish(ctx, Outcome.BOUNCE)
    if not parsed.sender or "@" not in parsed.sender:
        raise ValidationError(_("The mail has no sender address."))
    if lookups.is_blocked(parsed.sender):
        return _finish(ctx, Outcome.SPAM, error=_("The sender is blocked."))
    if row.source != Source.IMPORT and _flooding(parsed.sender):
        return _finish(ctx, Outcome.QUARANTINED, error=_("Too many mails from this sender."))
    if ctx.mailbox is not None and base_address(parsed.sender) in ctx.mailbox.addresses:
        return _finish(ctx, Outcome.AUTO_REPLY, error=_("Mail from our own address (loop)."))
    if openings is not None and may_thread(parsed, recipients):
        openings.flush()  # it may answer a mail waiting there
    thread = find_thread(parsed, recipients)
    if parsed.auto_reply and thread is None:
        return _finish(ctx, Outcome.AUTO_REPLY)
    sender = customer_for(parsed.sender, parsed.sender_name)
    uploads, left_out = uploads_for(parsed.attachments)
    text = parsed.text or html_to_text(sanitize_html(parsed.html)) or _("(no text)")
    if left_out:
        note = _("Attachments not accepted (kept in the original mail): %(names)s")
        text = f"{text}\n\n[{note % {'names': ', '.join(left_out)}}]"
    body = services.Body(text, parsed.html)
    origin = services.Origin(parsed.message_id, parsed.headers)
    if thread is not None:
        ticket = thread.ticket
        if ticket.status != StatusCategory.CLOSED and (thread.signed or on_ticket(sender, ticket)):
            message = services.receive_message(
                ticket,
                author=sender,
                body=body,
                channel=Channel.EMAIL,
                origin=origin,
                attachments=uploads,
            )
            if thread.signed and not on_ticket(sender, ticket):
                TicketCC.objects.get_or_create(ticket=ticket, user=sender)
            outcome = Outcome.AUTO_REPLY if parsed.auto_reply else Outcome.THREADED
            return _finish(ctx, outcome, ticket=ticket, ticket_message=message)
    new = services.new_ticket(
        actor=sender,
        requester=sender,
        subject=(parsed.subject or _("(no subject)"))[: services.MAX_SUBJECT],
        body=body,
        channel=Channel.EMAIL,
        department=ctx.mailbox.department if ctx.mailbox else None,
        language=ctx.mailbox.language if ctx.mailbox else "",
        attachments=uploads,
        origin=origin,
    )
    opening = _Opening(ctx, new, thread.ticket if thread else None)
    if openings is not None and not _cc_addresses(opening):
        openings.add(opening)
        return Outcome.CREATED
    if openings is not None:
        openings.flush()  # its CCs may be senders of the mails waiting there
    return _opened(opening, services.create_tickets([new])[0])


@dataclass
class _Opening:
    """A mail that opens a ticket, checked (`new`) and not yet written."""

    ctx: _Context
    new: services.NewTicket
    related: Ticket | None  # the thread its sender may not write on


class _Openings:
    """A batch's run of consecutive mails that each open a ticket: written together
    (`services.create_tickets`: one INSERT each for the tickets, their messages and their
    history lines) before the next mail that writes on a ticket or may thread onto one of
    them (`flush`), and when the batch ends. Mails whose CCs would be added wait for no
    one: a CC may be a sender whose customer a later mail creates."""

    def __init__(self) -> None:
        self._waiting: list[_Opening] = []

    def add(self, opening: _Opening) -> None:
        self._waiting.append(opening)
        lookups.take_message_id(opening.ctx.parsed.message_id)  # a later copy: a duplicate

    def flush(self) -> None:
        if not self._waiting:
            return
        waiting, self._waiting = self._waiting, []
        tickets = services.create_tickets([opening.new for opening in waiting])
        for opening, ticket in zip(waiting, tickets, strict=True):
            _opened(opening, ticket)
        separate_actions()  # the next mail's lines are its own


def _opened(opening: _Opening, ticket: Ticket) -> Outcome:
    """What follows a mail's new ticket: its CCs, the acknowledgement, the outcome."""
    ctx, parsed = opening.ctx, opening.ctx.parsed
    for user in _ccs(opening):
        if ticket.mail_ccs.count() >= MAX_CCS:
            break
        TicketCC.objects.get_or_create(ticket=ticket, user=user)
    if ctx.mailbox is not None and ctx.mailbox.send_acknowledgement and not parsed.auto_reply:
        outbound.queue_acknowledgement(ticket, mailbox=ctx.mailbox)
    return _finish(
        ctx,
        Outcome.CREATED,
        ticket=ticket,
        ticket_message=opening.new.message,
        related_ticket=opening.related,
    )


def _flooding(sender: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = InboundMail.objects.filter(sender=sender, received_at__gte=since)
    return recent.count() >= settings.MAIL_SENDER_LIMIT_PER_HOUR


def _cc_addresses(opening: _Opening) -> list[str]:
    """The addresses a new ticket's mail copies (To and Cc) but the sender and the mailbox."""
    parsed, mailbox = opening.ctx.parsed, opening.ctx.mailbox
    exclude = {opening.new.ticket.requester.email, *(mailbox.addresses if mailbox else [])}
    return [
        address
        for address in [*parsed.to, *parsed.cc][: MAX_CCS * 2]
        if base_address(address) not in exclude and address not in exclude
    ]


def _ccs(opening: _Opening) -> Iterator[User]:
    """The customers behind `_cc_addresses`, each found or created as it is reached."""
    for address in _cc_addresses(opening):
        try:
            yield customer_for(address)
        except ValidationError:  # an agent's address, or not an address at all
            continue


def retry(row: InboundMail, *, actor: User) -> Outcome:
    """An admin processes a quarantined mail again (after fixing what made it fail)."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only administrators may process quarantined mail again."))
    return process(row)


def discard(row: InboundMail, *, actor: User) -> None:
    """An admin decides a quarantined mail needs nothing; the raw mail is kept."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only administrators may discard mail."))
    InboundMail.objects.filter(pk=row.pk, outcome=Outcome.QUARANTINED).update(
        outcome=Outcome.DISCARDED, processed_at=timezone.now()
    )
