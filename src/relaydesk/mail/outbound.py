"""Mail out through a persisted outbox (CH2, DESIGN rule 3).

Rows are written in the transaction of the change that causes them; a task sends each one
after commit, retries transient failures with backoff and records the last error, so every
reply shows queued, sent or failed in the desk.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.utils import formataddr, make_msgid

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from relaydesk.accounts.models import User
from relaydesk.mail.addresses import reply_address
from relaydesk.mail.models import DeliveryState, InboundMail, Mailbox, OutboundMail, TicketCC
from relaydesk.mail.threading import subject_token
from relaydesk.settings import mailer_from_url
from relaydesk.tickets.models import PUBLIC_MESSAGE_KINDS, Message, MessageKind, Ticket

MAX_ATTEMPTS = 5
MAX_REFERENCES = 20
MAX_QUOTED = 50  # earlier messages quoted in a reply (the mailbox's conversation copy)


def mailbox_of(ticket: Ticket) -> Mailbox | None:
    """The mailbox the ticket came in by, else the first one of its department."""
    inbound = (
        InboundMail.objects.filter(ticket=ticket, mailbox__is_active=True)
        .select_related("mailbox")
        .order_by("id")
        .first()
    )
    if inbound is not None and inbound.mailbox is not None:
        return inbound.mailbox
    if ticket.department_id is None:
        return None
    return Mailbox.objects.filter(department_id=ticket.department_id, is_active=True).first()


def _subject(ticket: Ticket) -> str:
    subject = ticket.subject
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return f"{subject} {subject_token(ticket.number or 0)}"


def _thread_headers(ticket: Ticket) -> dict[str, str]:
    ids = [
        f"<{m}>"
        for m in Message.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .order_by("id")
        .values_list("message_id", flat=True)
    ]
    ids += [
        f"<{m}>"
        for m in OutboundMail.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("message_id", flat=True)
    ]
    if not ids:
        return {}
    # Gmail threads on References; Outlook and Apple Mail on In-Reply-To.
    return {"In-Reply-To": ids[-1], "References": " ".join([ids[0], *ids[1:][-MAX_REFERENCES:]])}


def _language(ticket: Ticket, mailbox: Mailbox) -> str:
    return ticket.language or mailbox.language or ticket.requester.language


def earlier_conversation(message: Message) -> list[Message]:
    """The public messages before this one, newest first: at most MAX_QUOTED + 1 (one more
    than is quoted tells that there were more). Internal notes and system lines never."""
    return list(
        Message.objects.filter(
            ticket_id=message.ticket_id,
            kind__in=PUBLIC_MESSAGE_KINDS,
            created_at__lte=message.created_at,
        )
        .exclude(pk=message.pk)
        .select_related("author")
        .order_by("-created_at", "-id")[: MAX_QUOTED + 1]
    )


def _quoted(conversation: list[Message], mailbox: Mailbox) -> list[dict[str, object]]:
    team = mailbox.sender_name or mailbox.name
    return [
        {
            "who": m.author.display_name if m.author is not None else team,
            "when": m.created_at,
            "text": m.body_text.strip(),
            "quoted": "\n".join(f"> {line}".rstrip() for line in m.body_text.strip().splitlines()),
        }
        for m in conversation[:MAX_QUOTED]
    ]


def _composed(
    ticket: Ticket,
    *,
    mailbox: Mailbox,
    purpose: str,
    message: Message | None = None,
    conversation: list[Message] | None = None,
) -> tuple[str, str]:
    """The text and HTML of an automatic mail from its template (`relaydesk.mailtemplates`),
    with the mailbox's signature and the thread's footer, then the earlier `conversation`
    quoted (newest first) when there is one."""
    from relaydesk.mailtemplates.compose import compose

    language = _language(ticket, mailbox)
    context = {
        "ticket": ticket,
        "mailbox": mailbox,
        "conversation": _quoted(conversation or [], mailbox),
        "more": len(conversation or []) > MAX_QUOTED,
    }
    with translation.override(language), timezone.override(ticket.requester.timezone or "UTC"):
        footer_text = render_to_string("mail/_footer.txt", context)
        footer_html = render_to_string("mail/_footer.html", context)
        if conversation:
            footer_text += render_to_string("mail/_conversation.txt", context)
            footer_html += render_to_string("mail/_conversation.html", context)
    composed = compose(
        purpose,
        language=language,
        values={"message.body": message.body_text} if message else {},
        ticket=ticket,
        agent=message.author if message else None,
        footer_text=footer_text,
        footer_html=footer_html,
    )
    return composed.text, composed.html


def _queue(
    ticket: Ticket,
    *,
    mailbox: Mailbox,
    purpose: str,
    sender_name: str,
    content: tuple[str, str],
    message: Message | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    subject: str = "",
    automatic: bool = False,
) -> OutboundMail:
    """An outbox row to the requester (and the ticket's CCs) unless `to`/`cc` say otherwise.
    The subject stays the thread's (`Re: … [Ticket:N]`) so replies find the ticket."""
    recipient: User = ticket.requester
    text, html = content
    domain = mailbox.address.partition("@")[2]
    headers = {
        **_thread_headers(ticket),
        "Reply-To": reply_address(mailbox, ticket.number or 0),
        "X-Relaydesk-Ticket": str(ticket.number),
    }
    if automatic:
        headers |= {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    copies = cc if cc is not None else _ticket_ccs(ticket)
    row = OutboundMail.objects.create(
        ticket=ticket,
        ticket_message=message,
        mailbox=mailbox,
        purpose=purpose,
        from_email=formataddr((sender_name, mailbox.address)),
        to=to or [recipient.email],
        cc=copies,
        bcc=bcc or [],
        subject=subject or _subject(ticket),
        body_text=text,
        body_html=html,
        message_id=make_msgid(domain=domain)[1:-1],
        headers=headers,
    )
    row_id = row.pk
    transaction.on_commit(lambda: deliver.enqueue(row_id))
    return row


def queue_acknowledgement(ticket: Ticket, *, mailbox: Mailbox) -> OutboundMail:
    return _queue(
        ticket,
        mailbox=mailbox,
        purpose="acknowledgement",
        sender_name=mailbox.sender_name or mailbox.name,
        content=_composed(ticket, mailbox=mailbox, purpose="acknowledgement"),
        automatic=True,
    )


def _ticket_ccs(ticket: Ticket) -> list[str]:
    return list(
        TicketCC.objects.filter(ticket=ticket, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _header_addresses(message: Message, name: str) -> list[str]:
    return [a.strip() for a in str(message.headers.get(name, "")).split(",") if a.strip()]


def queue_reply(message: Message, *, mailbox: Mailbox) -> OutboundMail:
    """An agent's public reply, from the mailbox address under the agent's name, to the
    requester, the ticket's CCs and the copies the agent added (`Cc`, `Bcc` on the message);
    with the earlier public conversation quoted when the mailbox sends a copy of it."""
    author = message.author
    team = mailbox.sender_name or mailbox.name
    name = f"{author.display_name} ({team})" if author is not None else team
    requester = message.ticket.requester.email.lower()
    cc = [*_ticket_ccs(message.ticket), *_header_addresses(message, "Cc")]
    bcc = _header_addresses(message, "Bcc")
    return _queue(
        message.ticket,
        mailbox=mailbox,
        purpose="reply",
        sender_name=name,
        content=_composed(
            message.ticket,
            mailbox=mailbox,
            purpose="reply",
            message=message,
            conversation=earlier_conversation(message) if mailbox.send_conversation else None,
        ),
        message=message,
        cc=[a for a in dict.fromkeys(cc) if a.lower() != requester],
        bcc=[a for a in dict.fromkeys(bcc) if a.lower() != requester and a not in cc],
    )


def queue_forward(
    ticket: Ticket,
    *,
    mailbox: Mailbox,
    actor: User,
    to: list[str],
    cc: list[str],
    bcc: list[str],
    note: str,
    record: Message,
) -> OutboundMail:
    """The ticket's public conversation (never its internal notes) to third parties."""
    conversation = ticket.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS).select_related("author")
    return _queue(
        ticket,
        mailbox=mailbox,
        purpose="forward",
        sender_name=f"{actor.display_name} ({mailbox.sender_name or mailbox.name})",
        content=_forwarded(
            ticket, mailbox, note=note, conversation=list(conversation), actor=actor
        ),
        message=record,
        to=to,
        cc=cc,
        bcc=bcc,
        subject=f"Fwd: {ticket.subject} {subject_token(ticket.number or 0)}",
    )


def _forwarded(
    ticket: Ticket, mailbox: Mailbox, *, note: str, conversation: list[Message], actor: User
) -> tuple[str, str]:
    context = {"ticket": ticket, "note": note, "conversation": conversation, "actor": actor}
    with translation.override(_language(ticket, mailbox)):
        return (
            render_to_string("mail/forward.txt", context),
            render_to_string("mail/forward.html", context),
        )


def _connection(mailbox: Mailbox | None):  # type: ignore[no-untyped-def]
    """The mailbox's own SMTP server when it has one, else the site's (EMAIL_URL)."""
    if mailbox is not None and mailbox.smtp_url:
        config = mailer_from_url(mailbox.smtp_url)
        backend = import_string(str(config["BACKEND"]))
        options = dict(config.get("OPTIONS", {}))  # type: ignore[call-overload]
        return backend(alias=f"mailbox-{mailbox.pk}", **options)
    return mail.mailers.default


def build(row: OutboundMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        headers={**row.headers, "Message-ID": f"<{row.message_id}>"},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    if row.ticket_message is not None:
        for attachment in row.ticket_message.attachments.all():
            with attachment.file.open("rb") as handle:
                message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, ValueError)


@task()
def deliver(outbound_id: int) -> None:
    """Send one outbox row; retry later on a transient error, give up after MAX_ATTEMPTS."""
    row = (
        OutboundMail.objects.select_related("mailbox", "ticket_message")
        .filter(pk=outbound_id, state=DeliveryState.QUEUED)
        .first()
    )
    if row is None:
        return
    attempts = row.attempts + 1
    try:
        _connection(row.mailbox).send_messages([build(row)])
    except Exception as exc:
        permanent = isinstance(exc, PERMANENT) or attempts >= MAX_ATTEMPTS
        delay = timedelta(minutes=2**attempts)
        OutboundMail.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            state=DeliveryState.FAILED if permanent else DeliveryState.QUEUED,
            next_attempt_at=None if permanent else timezone.now() + delay,
        )
        if not permanent and deliver.get_backend().supports_defer:
            deliver.using(run_after=timezone.now() + delay).enqueue(row.pk)
        return
    OutboundMail.objects.filter(pk=row.pk).update(
        attempts=attempts, state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )


def public_reply_added(message: Message) -> None:
    """Queue the mail for an agent's public reply when the ticket has a mailbox."""
    if message.kind != MessageKind.REPLY:
        return
    mailbox = mailbox_of(message.ticket)
    if mailbox is not None and message.ticket.requester.is_active:
        queue_reply(message, mailbox=mailbox)
