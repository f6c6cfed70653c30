"""The customer-side authorization matrix: who gets which portal page, file and action."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.tickets import services
from relaydesk.tickets.models import Attachment

OWNER, COLLEAGUE_SHARED, COLLEAGUE, STRANGER, ANONYMOUS, AGENT, OTHER_AGENT = (
    "owner",
    "colleague_shared",
    "colleague",
    "stranger",
    "anonymous",
    "agent",
    "other_agent",
)


@pytest.fixture
def shared_file(ticket, agent, customer) -> Attachment:
    upload = SimpleUploadedFile("plan.txt", b"the plan")
    services.add_message(
        ticket, actor=customer, body=services.Body("see file"), attachments=[upload]
    )
    return Attachment.objects.get(filename="plan.txt")


@pytest.fixture
def note_file(ticket, agent) -> Attachment:
    upload = SimpleUploadedFile("internal.txt", b"internal")
    services.add_message(
        ticket, actor=agent, body=services.Body("note"), internal=True, attachments=[upload]
    )
    return Attachment.objects.get(filename="internal.txt")


@pytest.fixture
def client_for(request, customer, colleague, other_customer, agent, other_agent, acme):
    def make(who: str) -> Client:
        if who == ANONYMOUS:
            return Client()
        if who == COLLEAGUE_SHARED:
            acme.members_see_all_tickets = True
            acme.save()
        person = {
            OWNER: customer,
            COLLEAGUE_SHARED: colleague,
            COLLEAGUE: colleague,
            STRANGER: other_customer,
            AGENT: agent,
            OTHER_AGENT: other_agent,
        }[who]
        return signed_in(person)

    return make


EXPECTED_READ = {
    OWNER: 200,
    COLLEAGUE_SHARED: 200,
    COLLEAGUE: 404,
    STRANGER: 404,
    ANONYMOUS: 302,
    AGENT: 403,
    OTHER_AGENT: 403,
}


@pytest.mark.parametrize("who", list(EXPECTED_READ))
def test_request_page(client_for, ticket, who):
    response = client_for(who).get(reverse("portal:request", args=[ticket.number]))
    assert response.status_code == EXPECTED_READ[who]


@pytest.mark.parametrize("who", list(EXPECTED_READ))
def test_attachment_download(client_for, shared_file, who):
    response = client_for(who).get(reverse("portal:attachment", args=[shared_file.pk]))
    assert response.status_code == EXPECTED_READ[who]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"the plan"


@pytest.mark.parametrize("who", [OWNER, COLLEAGUE_SHARED])
def test_internal_note_files_are_never_served_to_customers(client_for, note_file, who):
    response = client_for(who).get(reverse("portal:attachment", args=[note_file.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", list(EXPECTED_READ))
def test_reply(client_for, ticket, who):
    before = ticket.messages.count()
    response = client_for(who).post(reverse("portal:reply", args=[ticket.number]), {"body": "hi"})
    allowed = EXPECTED_READ[who] == 200
    assert response.status_code == (302 if allowed else EXPECTED_READ[who])
    assert ticket.messages.count() == before + (1 if allowed else 0)


@pytest.mark.parametrize("who", list(EXPECTED_READ))
def test_close(client_for, ticket, who):
    response = client_for(who).post(reverse("portal:close", args=[ticket.number]))
    allowed = EXPECTED_READ[who] == 200
    assert response.status_code == (302 if allowed else EXPECTED_READ[who])
    ticket.refresh_from_db()
    assert ticket.is_closed == allowed


@pytest.mark.parametrize("who", list(EXPECTED_READ))
def test_requests_list_shows_the_ticket_only_to_who_may_see_it(client_for, ticket, who):
    response = client_for(who).get(reverse("portal:requests"), {"scope": "organization"})
    if who in (OWNER, COLLEAGUE_SHARED):
        assert ticket.subject in response.content.decode()
    elif who in (COLLEAGUE, STRANGER):
        assert ticket.subject not in response.content.decode()
    else:
        assert response.status_code == EXPECTED_READ[who]


@pytest.mark.parametrize("who", [AGENT, OTHER_AGENT, ANONYMOUS])
def test_new_request_and_profile_are_for_customers(client_for, who):
    for name in ("portal:new_request", "portal:profile"):
        response = client_for(who).get(reverse(name))
        assert response.status_code == EXPECTED_READ[who]


def test_home_sends_each_person_to_their_place(client_for):
    assert client_for(ANONYMOUS).get("/").status_code == 200
    assert client_for(OWNER).get("/").url == reverse("portal:requests")
    assert client_for(AGENT).get("/").url == reverse("desk:home")


def test_unknown_numbers_are_404_for_everyone(client_for):
    assert client_for(OWNER).get(reverse("portal:request", args=[999999])).status_code == 404
    assert client_for(OWNER).get(reverse("portal:attachment", args=[999999])).status_code == 404
