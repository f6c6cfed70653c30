"""The demo workspace's mail: mailboxes for support@ and sales@ (example.com) and tickets whose
conversations came by email, with attachments, an inline image and a mail in quarantine."""

from __future__ import annotations

import base64
from email.message import EmailMessage

from django.db import transaction

from relaydesk.accounts.models import Department, User
from relaydesk.mail import ingest
from relaydesk.mail.models import DeliveryState, Mailbox, OutboundMail
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket

MAIL_TICKETS = 3
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGklEQVR42mNkYPhfz0AEYBxVSF+FAAAAAP//"
    "AwBRbQqZ0q1d8gAAAABJRU5ErkJggg=="
)


def _mail(
    sender: str, to: str, subject: str, text: str, message_id: str, reply_to_id: str = ""
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Message-ID"] = f"<{message_id}>"
    if reply_to_id:
        mail["In-Reply-To"] = mail["References"] = f"<{reply_to_id}>"
    mail.set_content(text)
    return mail


def _sender(local: str, name: str) -> str:
    """A demo customer's address (an invented one outside the demo: the tests)."""
    user = User.objects.filter(email__startswith=f"{local}@").first()
    return f"{name} <{user.email if user else f'{local}@example.org'}>"


def _mails() -> list[bytes]:
    sophie = _sender("sophie.turner", "Sophie Turner")
    andrei = _sender("andrei.popescu", "Andrei Popescu")
    invoice = _mail(
        sophie,
        "support@example.com",
        "Invoice PDF will not open",
        "Hello,\n\nthe invoice you sent yesterday does not open in our viewer. "
        "I attach what we received.\n\nSophie",
        "demo-invoice-1@northwind.example.com",
    )
    invoice.add_attachment(
        b"%PDF-1.4\n% demo\n", maintype="application", subtype="pdf", filename="invoice-2291.pdf"
    )
    follow_up = _mail(
        sophie,
        "support@example.com",
        "Re: Invoice PDF will not open",
        "One more thing: the same happens with the credit note.\n\n"
        "> Hello,\n> the invoice you sent yesterday does not open in our viewer.",
        "demo-invoice-2@northwind.example.com",
        "demo-invoice-1@northwind.example.com",
    )
    quote = _mail(
        andrei,
        "Sales <sales@example.com>",
        "Offer for 40 licences",
        "Good morning,\n\nplease send us an offer for 40 licences, as in the sketch.\n\nAndrei",
        "demo-quote-1@carpathia.example.org",
    )
    quote.add_alternative(
        "<p>Good morning,</p><p>please send us an offer for 40 licences, as in the sketch:</p>"
        '<p><img src="cid:sketch@carpathia" alt="sketch"></p><p>Andrei</p>',
        subtype="html",
    )
    html = quote.get_body(("html",))
    if isinstance(html, EmailMessage):
        html.add_related(LOGO, "image", "png", cid="<sketch@carpathia>")
    printer = _mail(
        _sender("ivan.petrov", "Иван Петров"),
        "support@example.com",
        "Принтер не печатает",
        "Здравствуйте! Принтер в бухгалтерии не печатает с утра.",
        "demo-printer-1@example.org",
    )
    no_sender = b"To: support@example.com\r\nSubject: (no sender)\r\n\r\nWho sent this?\r\n"
    return [m.as_bytes() for m in (invoice, follow_up, quote, printer)] + [no_sender]


@transaction.atomic
def load_mail_demo(*, agent: User) -> None:
    for name, address in (("Support", "support@example.com"), ("Sales", "sales@example.com")):
        Mailbox.objects.create(
            name=name,
            address=address,
            department=Department.objects.filter(name=name).first(),
            sender_name=f"Example {name}",
            signature=f"Example Ltd · {name}",
        )
    for raw in _mails():
        ingest.receive(raw)
    ticket = Ticket.objects.get(messages__message_id="demo-invoice-1@northwind.example.com")
    services.add_message(
        ticket,
        actor=agent,
        body=services.Body("Thank you, Sophie. A corrected invoice is on its way."),
    )
    OutboundMail.objects.update(state=DeliveryState.SENT)  # acknowledgements and the reply
