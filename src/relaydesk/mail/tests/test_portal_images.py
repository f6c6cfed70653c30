"""Inline images of a mail in the customer portal: served by the portal's own file view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relaydesk.accounts.models import Role
from relaydesk.conftest import make_user, signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import Outcome
from relaydesk.mail.tests.conftest import corpus
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket


@pytest.fixture
def mailed(mailbox, request) -> Ticket:
    sender = request.getfixturevalue("outlook_customer")
    assert ingest.receive(corpus("outlook_inline_image.eml")) == Outcome.CREATED
    ticket = Ticket.objects.get()
    assert ticket.requester == sender
    return ticket


@pytest.fixture
def outlook_customer(acme):
    """The sender of the corpus mail, with a portal password."""
    return make_user("piotr@acme.test", Role.CUSTOMER, name="Piotr Nowak")


def test_the_requester_sees_the_inline_image_through_the_portal(mailed, outlook_customer):
    image = mailed.messages.get().attachments.get()
    client = signed_in(outlook_customer)
    page = client.get(reverse("portal:request", args=[mailed.number])).content.decode()
    portal_url = reverse("portal:attachment", args=[image.pk])
    assert f'src="{portal_url}"' in page
    assert "/desk/attachments/" not in page
    response = client.get(portal_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")


def test_the_desk_keeps_its_own_link(mailed, agent):
    image = mailed.messages.get().attachments.get()
    page = signed_in(agent).get(reverse("desk:ticket", args=[mailed.number])).content.decode()
    assert f'src="{reverse("desk:attachment", args=[image.pk])}"' in page


def test_another_customer_cannot_open_the_image(mailed, other_customer):
    image = mailed.messages.get().attachments.get()
    client = signed_in(other_customer)
    assert client.get(reverse("portal:attachment", args=[image.pk])).status_code == 404
    assert client.get(reverse("portal:request", args=[mailed.number])).status_code == 404


def test_an_image_on_an_internal_note_is_not_served_to_the_customer(
    mailed, outlook_customer, agent
):
    note = services.add_message(
        mailed,
        actor=agent,
        body=services.Body("see pic"),
        internal=True,
        attachments=[SimpleUploadedFile("pic.png", b"\x89PNG\r\n\x1a\n", "image/png")],
    )
    pic = note.attachments.get()
    client = signed_in(outlook_customer)
    assert client.get(reverse("portal:attachment", args=[pic.pk])).status_code == 404
