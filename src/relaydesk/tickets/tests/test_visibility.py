"""The one door: who sees and who may change which ticket, message and attachment."""

import pytest
from django.contrib.auth.models import AnonymousUser

from relaydesk.accounts.models import Access, Department, Membership
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, MessageKind
from relaydesk.tickets.tests.helpers import upload
from relaydesk.tickets.visibility import (
    can_change,
    is_requester_side,
    visible_attachments,
    visible_messages,
    visible_tickets,
    writable_departments,
)

PERSONAS = [
    "admin_user",
    "supervisor",
    "agent",
    "readonly_agent",
    "other_agent",
    "customer",
    "colleague",
    "other_customer",
    "anonymous",
]

# Who sees a Support ticket that `customer` opened, with organization sharing off.
SEES = {"admin_user", "supervisor", "agent", "readonly_agent", "customer"}
CHANGES = {"admin_user", "supervisor", "agent"}
WRITES_AS_REQUESTER = {"customer"}


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def person(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def conversation(ticket, agent):
    """The ticket with a public reply and an internal note, each with an attachment."""
    reply = services.add_message(
        ticket, actor=agent, body=services.Body("public"), attachments=[upload("reply.txt")]
    )
    note = services.add_message(
        ticket,
        actor=agent,
        body=services.Body("internal"),
        internal=True,
        attachments=[upload("note.txt")],
    )
    return ticket, reply, note


@pytest.mark.parametrize("person", PERSONAS, indirect=True)
def test_ticket_visibility_matrix(request, person, ticket, colleague, other_customer, other_agent):
    name = request.node.callspec.params["person"]
    sees = visible_tickets(person).filter(pk=ticket.pk).exists()
    assert sees == (name in SEES)
    assert can_change(person, ticket) == (name in CHANGES)
    assert is_requester_side(person, ticket) == (name in WRITES_AS_REQUESTER)


@pytest.mark.parametrize("person", PERSONAS, indirect=True)
def test_messages_and_attachments_follow_ticket_visibility(
    request, person, conversation, colleague, other_customer, other_agent
):
    name = request.node.callspec.params["person"]
    ticket = conversation[0]
    messages = set(visible_messages(person).filter(ticket=ticket).values_list("kind", flat=True))
    files = set(visible_attachments(person).values_list("filename", flat=True))
    if name not in SEES:
        assert messages == set()
        assert files == set()
    elif name == "customer":
        assert messages == {MessageKind.CUSTOMER, MessageKind.REPLY}
        assert files == {"reply.txt"}
    else:
        assert messages == {MessageKind.CUSTOMER, MessageKind.REPLY, MessageKind.NOTE}
        assert files == {"reply.txt", "note.txt"}


def test_internal_note_never_reaches_a_customer_even_with_organization_sharing(
    conversation, customer, colleague, acme
):
    acme.members_see_all_tickets = True
    acme.save()
    _ticket, _reply, note = conversation
    for person in (customer, colleague):
        assert not visible_messages(person).filter(pk=note.pk).exists()
        assert not visible_attachments(person).filter(message=note).exists()


def test_transfer_note_is_internal(ticket, agent, sales, customer):
    services.transfer(ticket, actor=agent, department=sales, assignee=None, note="over to you")
    assert not visible_messages(customer).filter(body_text="over to you").exists()


def test_organization_sharing_shows_colleagues_tickets_only_when_switched_on(
    ticket, acme, colleague, other_customer
):
    assert not visible_tickets(colleague).filter(pk=ticket.pk).exists()
    assert not is_requester_side(colleague, ticket)
    acme.members_see_all_tickets = True
    acme.save()
    colleague.refresh_from_db()
    assert visible_tickets(colleague).filter(pk=ticket.pk).exists()
    assert is_requester_side(colleague, ticket)
    assert not visible_tickets(other_customer).filter(pk=ticket.pk).exists()


def test_sharing_does_not_leak_tickets_of_the_organization_into_another(
    ticket, acme, other_customer
):
    acme.members_see_all_tickets = True
    acme.save()
    assert list(visible_tickets(other_customer)) == []


@pytest.mark.parametrize(
    "name", ["admin_user", "supervisor", "agent", "readonly_agent", "customer", "colleague"]
)
def test_inactive_people_see_and_change_nothing(request, name, conversation, acme):
    acme.members_see_all_tickets = True
    acme.save()
    ticket = conversation[0]
    person = request.getfixturevalue(name)
    person.is_active = False
    person.save()
    assert not visible_tickets(person).exists()
    assert not visible_messages(person).exists()
    assert not visible_attachments(person).exists()
    assert not can_change(person, ticket)
    assert not is_requester_side(person, ticket)
    assert not writable_departments(person).exists()


def test_unrouted_tickets_are_seen_and_changed_by_every_agent(customer, other_agent, agent):
    ticket = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Where?",
        body=services.Body("?"),
        channel=Channel.PORTAL,
    )
    for person in (agent, other_agent):
        assert visible_tickets(person).filter(pk=ticket.pk).exists()
        assert can_change(person, ticket)


def test_assignee_keeps_seeing_ticket_after_leaving_its_department(
    ticket, admin_user, other_agent, support
):
    Membership.objects.create(user=other_agent, department=support)
    services.update_ticket(ticket, actor=admin_user, assignee=other_agent)
    Membership.objects.filter(user=other_agent, department=support).delete()
    assert visible_tickets(other_agent).filter(pk=ticket.pk).exists()


def test_access_none_membership_grants_nothing(ticket, other_agent, support):
    Membership.objects.create(user=other_agent, department=support, access=Access.NONE)
    assert not visible_tickets(other_agent).filter(pk=ticket.pk).exists()
    assert not can_change(other_agent, ticket)
    assert support not in writable_departments(other_agent)


def test_writable_departments(
    admin_user, supervisor, agent, readonly_agent, other_agent, customer, support, sales
):
    closed = Department.objects.create(name="Closed", is_active=False)
    Membership.objects.create(user=agent, department=closed)
    assert set(writable_departments(admin_user)) == {support, sales}
    assert set(writable_departments(supervisor)) == {support}
    assert set(writable_departments(agent)) == {support}
    assert set(writable_departments(readonly_agent)) == set()
    assert set(writable_departments(other_agent)) == {sales}
    assert set(writable_departments(customer)) == set()
    assert set(writable_departments(AnonymousUser())) == set()
