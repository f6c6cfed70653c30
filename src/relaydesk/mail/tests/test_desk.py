"""Mail in the desk and the admin: delivery state, folded quotes, inline images, quarantine."""

import pytest
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.demo import MAIL_TICKETS, load_mail_demo
from relaydesk.mail.models import DeliveryState, InboundMail, Mailbox, OutboundMail, Outcome
from relaydesk.mail.tests.conftest import corpus, make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket

QUARANTINE = reverse("admin:mail_inboundmail_changelist")


@pytest.fixture
def mailed(mailbox) -> Ticket:
    ingest.receive(corpus("outlook_inline_image.eml"))
    return Ticket.objects.get()


def test_ticket_page_shows_inline_image_folded_quote_and_delivery_state(mailed, agent):
    reply = services.add_message(mailed, actor=agent, body=services.Body("Fixed it"))
    OutboundMail.objects.filter(ticket_message=reply).update(
        state=DeliveryState.FAILED, last_error="550 mailbox unavailable"
    )
    page = signed_in(agent).get(reverse("desk:ticket", args=[mailed.number])).content.decode()
    image = mailed.messages.first().attachments.get()
    assert f'src="/desk/attachments/{image.pk}/"' in page
    assert "<details><summary>Show quoted text</summary>" in page
    assert "Mail failed" in page
    assert "550 mailbox unavailable" in page


def test_quarantine_link_is_for_administrators_only(mailbox, admin_user, agent):
    ingest.receive(make_mail(sender="alice@example.com"))
    assert "Quarantine" in signed_in(admin_user).get(reverse("desk:home")).content.decode()
    assert "Quarantine" not in signed_in(agent).get(reverse("desk:home")).content.decode()


def test_admin_sees_the_error_and_retries_or_discards(mailbox, admin_user, agent):
    ingest.receive(make_mail(sender="alice@example.com", subject="First"))
    ingest.receive(make_mail(sender="alice@example.com", subject="Second"))
    client = signed_in(admin_user)
    listing = client.get(QUARANTINE, {"outcome__exact": "quarantined"}).content.decode()
    assert "belongs to an agent" in listing
    first, second = InboundMail.objects.order_by("id")
    client.post(QUARANTINE, {"action": "discard", "_selected_action": [second.pk]})
    agent.email = "alice@elsewhere.example.com"
    agent.save()
    client.post(QUARANTINE, {"action": "retry", "_selected_action": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome) == (Outcome.CREATED, Outcome.DISCARDED)
    detail = client.get(reverse("admin:mail_inboundmail_change", args=[second.pk]))
    assert "Subject: Second" in detail.content.decode()


@pytest.mark.parametrize("persona", ["customer", "agent", "other_agent"])
def test_people_who_are_not_administrators_cannot_reach_the_quarantine(persona, request, mailbox):
    ingest.receive(b"Subject: no sender\r\n\r\nhello")
    row = InboundMail.objects.get()
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(QUARANTINE).status_code == 302
    client.post(QUARANTINE, {"action": "discard", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED


def test_mailbox_admin_form_encrypts_the_password(admin_user, support):
    client = signed_in(admin_user)
    response = client.post(
        reverse("admin:mail_mailbox_add"),
        {
            "name": "Billing",
            "address": "Billing@Example.com",
            "aliases": "not-an-address",
            "imap_port": 993,
            "imap_folder": "INBOX",
            "imap_password": "hunter2",
        },
    )
    assert "not-an-address is not a valid address" in response.content.decode()
    response = client.post(
        reverse("admin:mail_mailbox_add"),
        {
            "name": "Billing",
            "address": "billing@example.com",
            "department": support.pk,
            "imap_port": 993,
            "imap_folder": "INBOX",
            "imap_password": "hunter2",
            "smtp_url": "gopher://nope",
        },
    )
    assert "Use an smtp://" in response.content.decode()


def test_demo_mail_has_mailboxes_conversations_attachments_and_quarantine(
    support, sales, agent, acme
):
    load_mail_demo(agent=agent)
    assert set(Mailbox.objects.values_list("address", flat=True)) == {
        "support@example.com",
        "sales@example.com",
    }
    invoice = Ticket.objects.get(subject="Invoice PDF will not open")
    assert invoice.department == support
    assert invoice.messages.count() == 3
    assert invoice.messages.first().attachments.get().filename == "invoice-2291.pdf"
    assert invoice.outbound_mail.get(purpose="reply").state == DeliveryState.SENT
    quote = Ticket.objects.get(subject="Offer for 40 licences")
    assert quote.department == sales
    assert "/desk/attachments/" in quote.messages.get().body_html
    assert InboundMail.objects.filter(outcome=Outcome.QUARANTINED).count() == 1
    assert Ticket.objects.count() == MAIL_TICKETS
