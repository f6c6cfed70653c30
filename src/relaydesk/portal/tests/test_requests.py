"""A customer's requests in the portal: submit, list, read, reply, close."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomField,
    EventKind,
    FieldKind,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
)


def test_customer_submits_a_request_with_priority_category_file_and_field(as_customer, customer):
    category = Category.objects.create(name="Billing")
    CustomField.objects.create(
        key="order", label="Order number", kind=FieldKind.TEXT, customer_visible=True
    )
    CustomField.objects.create(key="secret", label="Risk score", kind=FieldKind.NUMBER)
    page = as_customer.get(reverse("portal:new_request")).content.decode()
    assert "Order number" in page
    assert "Risk score" not in page
    response = as_customer.post(
        reverse("portal:new_request"),
        {
            "subject": "Invoice is wrong",
            "body": "Line 3 is charged twice.",
            "priority": Priority.HIGH,
            "category": category.pk,
            "cf_order": "A-17",
            "cf_secret": "99",
            "attachments": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("portal:request", args=[ticket.number])
    assert (ticket.requester, ticket.channel, ticket.priority) == (
        customer,
        Channel.PORTAL,
        Priority.HIGH,
    )
    assert ticket.category == category
    assert ticket.custom_fields == {"order": "A-17"}
    [file] = ticket.messages.get().attachments.all()
    assert file.filename == "invoice.pdf"


def test_my_requests_lists_own_requests_newest_activity_first(as_customer, customer, colleague):
    older = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Older",
        body=services.Body("a"),
        channel=Channel.PORTAL,
    )
    newer = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Newer",
        body=services.Body("b"),
        channel=Channel.PORTAL,
    )
    services.create_ticket(
        actor=colleague,
        requester=colleague,
        subject="Colleague's",
        body=services.Body("c"),
        channel=Channel.PORTAL,
    )
    page = as_customer.get(reverse("portal:requests")).content.decode()
    assert page.index(newer.subject) < page.index(older.subject)
    assert "Colleague&#x27;s" not in page


def test_requests_filter_by_status_and_words(as_customer, customer, ticket, agent):
    services.close_request(ticket, actor=customer)
    closed = as_customer.get(reverse("portal:requests"), {"group": "closed"}).content.decode()
    active = as_customer.get(reverse("portal:requests"), {"group": "active"}).content.decode()
    assert ticket.subject in closed
    assert ticket.subject not in active
    found = as_customer.get(reverse("portal:requests"), {"q": "printer"}).content.decode()
    assert ticket.subject in found
    assert (
        ticket.subject
        not in as_customer.get(reverse("portal:requests"), {"q": "nope"}).content.decode()
    )
    # Nonsense filters are ignored, not an error.
    assert as_customer.get(reverse("portal:requests"), {"group": "x" * 999}).status_code == 200


def test_organization_sharing_shows_colleagues_requests_when_asked(customer, colleague, acme):
    services.create_ticket(
        actor=colleague,
        requester=colleague,
        subject="Shared office VPN",
        body=services.Body("c"),
        channel=Channel.PORTAL,
    )
    client = signed_in(customer)
    url = reverse("portal:requests")
    assert "Shared office VPN" not in client.get(url, {"scope": "organization"}).content.decode()
    acme.members_see_all_tickets = True
    acme.save()
    assert "Shared office VPN" not in client.get(url).content.decode()
    assert "Shared office VPN" in client.get(url, {"scope": "organization"}).content.decode()


def test_request_page_shows_public_messages_and_never_internal_notes(as_customer, ticket, agent):
    services.add_message(
        ticket, actor=agent, body=services.Body("Secret: customer is rude"), internal=True
    )
    services.add_message(ticket, actor=agent, body=services.Body("We have sent a technician."))
    page = as_customer.get(reverse("portal:request", args=[ticket.number])).content.decode()
    assert "We have sent a technician." in page
    assert "It started smoking" in page
    assert "Secret" not in page


def test_customer_replies_with_a_file_and_the_request_reopens(as_customer, customer, ticket, agent):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.PENDING)
    response = as_customer.post(
        reverse("portal:reply", args=[ticket.number]),
        {
            "body": "Still smoking.",
            "attachments": SimpleUploadedFile("smoke.png", b"\x89PNG", "image/png"),
        },
    )
    assert response.status_code == 302
    message = ticket.messages.filter(kind=MessageKind.CUSTOMER).last()
    assert (message.author, message.body_text) == (customer, "Still smoking.")
    assert message.attachments.get().filename == "smoke.png"
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.OPEN


def test_customer_closes_the_request_and_history_says_who(as_customer, customer, ticket):
    response = as_customer.post(reverse("portal:close", args=[ticket.number]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.SOLVED
    event = ticket.events.filter(kind=EventKind.FIELD, field="status").get()
    assert event.actor == customer
    # A second close changes nothing.
    as_customer.post(reverse("portal:close", args=[ticket.number]))
    assert ticket.events.filter(kind=EventKind.FIELD).count() == 1


def test_a_closed_request_takes_no_more_replies(as_customer, ticket, agent):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.CLOSED)
    response = as_customer.post(reverse("portal:reply", args=[ticket.number]), {"body": "Hello?"})
    assert response.status_code == 422
    assert ticket.messages.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": "", "body": "x", "priority": 2}, "subject"),
        ({"subject": "s" * 251, "body": "x", "priority": 2}, "subject"),
        ({"subject": "s", "body": "x" * 50_001, "priority": 2}, "body"),
        ({"subject": "s", "body": "x", "priority": "urgent!"}, "priority"),
        ({"subject": "s", "body": "x", "priority": 9}, "priority"),
        ({"subject": "s", "body": "x", "priority": 2, "category": "abc"}, "category"),
        ({"subject": "s\x00", "body": "x", "priority": 2}, "subject"),
        ({"subject": "   ", "body": "x", "priority": 2}, "subject"),
    ],
)
def test_new_request_refuses_bad_input_and_writes_nothing(as_customer, data, field):
    response = as_customer.post(reverse("portal:new_request"), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_forbidden_file_types_are_refused(as_customer):
    response = as_customer.post(
        reverse("portal:new_request"),
        {
            "subject": "Look",
            "body": "Run this",
            "priority": 2,
            "attachments": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_script_in_a_subject_is_shown_as_text(as_customer):
    as_customer.post(
        reverse("portal:new_request"),
        {
            "subject": "<script>alert(1)</script>",
            "body": "<img src=x onerror=alert(2)>",
            "priority": 2,
        },
    )
    ticket = Ticket.objects.get()
    page = as_customer.get(reverse("portal:request", args=[ticket.number])).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_portal_forms_need_the_csrf_token(customer, ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    for url in (
        reverse("portal:new_request"),
        reverse("portal:reply", args=[ticket.number]),
        reverse("portal:close", args=[ticket.number]),
        reverse("portal:profile"),
    ):
        assert client.post(url, {"subject": "x", "body": "x", "priority": 2}).status_code == 403
    assert ticket.messages.count() == 1


def test_customer_changes_language_and_pages_follow(as_customer, customer):
    response = as_customer.post(
        reverse("portal:set_language"), {"language": "fa", "next": "/requests/"}
    )
    assert response.url == "/requests/"
    customer.refresh_from_db()
    assert customer.language == "fa"
    page = as_customer.get(reverse("portal:requests")).content.decode()
    assert 'dir="rtl"' in page
    bad = as_customer.post(
        reverse("portal:set_language"), {"language": "xx", "next": "https://evil.test/"}
    )
    assert bad.url == "/"


def test_live_parts_of_the_request_page_hold_public_content_only(
    as_customer, ticket, agent, other_customer
):
    services.add_message(ticket, actor=agent, body=services.Body("Secret note"), internal=True)
    services.add_message(ticket, actor=agent, body=services.Body("Public answer"))
    url = reverse("portal:request", args=[ticket.number])
    part = as_customer.get(url, {"part": "conversation"}).content.decode()
    assert part.lstrip().startswith('<ol id="conversation"')
    assert "Public answer" in part
    assert "Secret note" not in part
    assert 'id="facts"' in as_customer.get(url, {"part": "facts"}).content.decode()
    assert 'id="rating"' in as_customer.get(url, {"part": "rating"}).content.decode()
    unknown = as_customer.get(url, {"part": "<script>"})
    assert unknown.status_code == 200
    assert "<html" in unknown.content.decode()  # an unknown part is the whole page
    assert signed_in(other_customer).get(url, {"part": "conversation"}).status_code == 404
