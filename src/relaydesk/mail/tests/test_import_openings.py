"""An import's batch writes its consecutive mails that open tickets together
(`ingest._Openings`, `services.create_tickets`): what it leaves behind is what the same batch
leaves with each mail written on its own (as when it runs with a savepoint per mail),
after-commit effects included (their rows compared; within one ticket they run in the same
order, while a run's acknowledgements are queued after the whole run's automation)."""

from __future__ import annotations

from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.accounts.models import User
from relaydesk.automation.models import (
    AssignmentMode,
    DepartmentRouting,
    QueueEntry,
    TriggerOn,
)
from relaydesk.automation.tests.conftest import add_agent, set_mode
from relaydesk.mail.models import InboundMail, Mailbox, OutboundMail, TicketCC
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.mail.tests.test_import import run_import, write_mbox
from relaydesk.mail.tests.test_import_batches import message_id_of, rule
from relaydesk.notifications.models import Notification
from relaydesk.search.models import SearchDocument
from relaydesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from relaydesk.webhooks.models import Delivery


def with_attachment(sender: str, subject: str) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "support@example.com", subject
    mail["Message-ID"] = f"<{subject.replace(' ', '-')}@acme.test>"
    mail.set_content("The invoice is attached.")
    mail.add_attachment(b"%PDF-1.4 bill", maintype="application", subtype="pdf", filename="a.pdf")
    return mail.as_bytes()


def mails() -> list[bytes]:
    opening = make_mail(sender="carol@acme.test", subject="Opening")
    fourth = make_mail(sender="gina@acme.test", subject="Fourth")
    again = fourth.replace(b"It started smoking", b"It is still smoking")  # same Message-ID
    return [
        opening,
        with_attachment("dave@acme.test", "Second"),
        make_mail(
            sender="carol@acme.test", subject="Re: Opening", in_reply_to=message_id_of(opening)
        ),
        make_mail(sender="erin@acme.test", subject="Third", cc="frank@acme.test"),
        fourth,
        again,
        make_mail(sender="gina@acme.test", subject="Fifth"),  # a sender the batch created
        make_mail(sender="gina@acme.test", subject="Re: Fourth", in_reply_to=message_id_of(fourth)),
        make_mail(sender="hank@acme.test", subject="Sixth"),
    ]


def label(value: Any) -> Any:
    """A history value without the row ids, which differ from one run to the next."""
    if isinstance(value, dict):
        return {k: label(v) for k, v in value.items() if k != "id"}
    return value


def left_behind() -> dict[str, list[Any]]:
    email = lambda user: user.email if user else None  # noqa: E731
    return {
        "tickets": [
            (t.subject, email(t.requester), t.status, email(t.assignee), t.language)
            for t in Ticket.objects.order_by("number")
        ],
        "tags": sorted(Ticket.tags.through.objects.values_list("ticket__subject", "tag__name")),
        "messages": [
            (m.ticket.subject, email(m.author), m.kind, m.body_text, m.message_id)
            for m in Message.objects.order_by("id")
        ],
        "attachments": list(Attachment.objects.values_list("message__ticket__subject", "filename")),
        "lines": [
            (e.ticket.subject, e.kind, e.field, email(e.actor), label(e.before), label(e.after))
            for e in TicketEvent.objects.order_by("id")
        ],
        "notifications": list(
            Notification.objects.order_by("id").values_list(
                "recipient__email", "event", "ticket__subject"
            )
        ),
        "queue": sorted(QueueEntry.objects.values_list("ticket__subject", flat=True)),
        "ccs": sorted(TicketCC.objects.values_list("ticket__subject", "user__email")),
        "acknowledgements": list(
            OutboundMail.objects.order_by("id").values_list("ticket__subject", flat=True)
        ),
        "webhooks": list(
            Delivery.objects.order_by("id").values_list("event_type", "payload__ticket__subject")
        ),
        "search": sorted(SearchDocument.objects.values_list("ticket__subject", flat=True)),
        "outcomes": [
            (m.subject, m.outcome, m.ticket and m.ticket.subject, m.ticket_message_id is not None)
            for m in InboundMail.objects.order_by("id").select_related("ticket")
        ],
        "first_messages": [
            (m.ticket.subject, m.ticket_message.body_text)
            for m in InboundMail.objects.filter(ticket_message__isnull=False).select_related(
                "ticket", "ticket_message"
            )
        ],
        "people": sorted(User.objects.values_list("email", "name")),
    }


@pytest.mark.django_db(transaction=True)
def test_a_batch_leaves_what_its_mails_leave_one_by_one(
    tmp_path: Path,
    mailbox: Mailbox,
    agent: User,
    admin_user: User,
    settings,
    monkeypatch: pytest.MonkeyPatch,
):
    from relaydesk.mail import ingest
    from relaydesk.webhooks import outbox

    settings.WEBHOOK_ALLOW_PRIVATE = True
    outbox.create_endpoint(actor=admin_user, name="CRM", url="http://127.0.0.1:9/hook")
    mailbox.send_acknowledgement = True
    mailbox.save()
    set_mode(mailbox.department, AssignmentMode.ROUND_ROBIN)  # the order of routing counts
    add_agent(mailbox.department, "bob@example.com", capacity=2)
    rule(admin_user, on=TriggerOn.CREATED, tag="new")
    rule(admin_user, on=TriggerOn.CUSTOMER_REPLIED, tag="replied")

    batch = mails()
    with monkeypatch.context() as patched:  # each mail on its own: no mail waits
        patched.setattr(ingest, "process_many", partial(ingest._process_batch, savepoints=True))
        run_import(write_mbox(tmp_path / "alone.mbox", batch))
    alone = left_behind()
    for model in (Delivery, Notification, QueueEntry, OutboundMail, InboundMail, Ticket):
        model.objects.all().delete()
    User.objects.filter(role="customer").delete()
    DepartmentRouting.objects.update(last_agent=None)  # round robin starts over

    with CaptureQueriesContext(connection) as queries:
        summary = run_import(write_mbox(tmp_path / "m.mbox", batch))
    together = left_behind()
    for key in alone:
        assert together[key] == alone[key], key
    assert summary["created"] == 6
    assert summary["threaded"] == 2
    assert summary["duplicates"] == 1
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "tickets_ticket"')]
    # "Opening" and "Second" together; "Third" alone (its CC); "Fourth" and "Fifth";
    # "Sixth" (the reply to "Fourth" comes between)
    assert len(inserts) == 4
