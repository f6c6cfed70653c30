from django.core.files.uploadedfile import SimpleUploadedFile

from relaydesk.accounts.models import Role, User
from relaydesk.tickets.models import Channel, Ticket


def form(support, **changes):
    data = {
        "requester_email": "Nina@Example.org",
        "requester_name": "Nina New",
        "subject": "Called about the invoice",
        "body": "She called at 10:00.",
        "channel": Channel.PHONE,
        "department": support.pk,
        "priority": 2,
        "tags": "call, invoice",
    }
    data.update(changes)
    return data


def test_agent_opens_a_ticket_for_a_new_customer(as_agent, support, agent):
    response = as_agent.post("/desk/tickets/new/", form(support))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert ticket.requester.email == "nina@example.org"
    assert ticket.requester.role == Role.CUSTOMER
    assert ticket.channel == Channel.PHONE
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["call", "invoice"]
    assert ticket.events.get().actor == agent


def test_existing_customer_is_reused(as_agent, support, customer):
    as_agent.post("/desk/tickets/new/", form(support, requester_email=customer.email))
    assert Ticket.objects.get().requester == customer
    assert User.objects.filter(role=Role.CUSTOMER).count() == 1


def test_agent_address_cannot_be_the_requester(as_agent, support, other_agent):
    response = as_agent.post("/desk/tickets/new/", form(support, requester_email=other_agent.email))
    assert response.status_code == 422
    assert "belongs to an agent" in response.content.decode()
    assert not Ticket.objects.exists()


def test_failed_ticket_leaves_no_new_customer_behind(as_agent, support):
    upload = SimpleUploadedFile("virus.exe", b"MZ")
    response = as_agent.post("/desk/tickets/new/", {**form(support), "attachments": upload})
    assert response.status_code == 422
    assert "not accepted" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not User.objects.filter(email="nina@example.org").exists()


def test_department_without_full_access_is_not_offered(as_readonly, support):
    response = as_readonly.post("/desk/tickets/new/", form(support))
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_missing_fields_are_listed(as_agent, support):
    response = as_agent.post("/desk/tickets/new/", {"channel": "telepathy"})
    page = response.content.decode()
    assert response.status_code == 422
    assert page.count('class="errorlist') >= 4
