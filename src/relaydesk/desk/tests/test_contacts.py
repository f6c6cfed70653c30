"""Contacts and organizations in the desk (PO6): who sees and edits them, further addresses
that mail finds, notes, and merging two contacts with their history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from relaydesk.accounts.models import ContactEmail, ContactPhone, Role, User
from relaydesk.accounts.services import find_or_create_customer
from relaydesk.conftest import make_user, signed_in
from relaydesk.mail.models import TicketCC
from relaydesk.portal.models import SatisfactionRating, Scale
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, EventKind, MessageKind, Ticket

pytestmark = pytest.mark.django_db


def _contact(user: User) -> str:
    return reverse("desk:contact", args=[user.pk])


def _request(requester: User, department, subject: str = "Help") -> Ticket:
    return services.create_ticket(
        actor=requester,
        requester=requester,
        subject=subject,
        body=services.Body("Please help."),
        channel=Channel.PORTAL,
        department=department,
    )


# Seeing contacts and organizations


def test_agent_sees_the_contact_behind_a_visible_ticket(as_agent, ticket, customer):
    page = as_agent.get(_contact(customer))
    assert page.status_code == 200
    text = page.content.decode()
    assert "carol@acme.test" in text
    assert f"#{ticket.number}" in text
    assert reverse("desk:edit_contact", args=[customer.pk]) in text


def test_ticket_page_links_to_contact_and_organization(as_agent, ticket, customer, acme):
    text = as_agent.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert _contact(customer) in text
    assert reverse("desk:organization", args=[acme.pk]) in text


def test_agent_of_another_department_cannot_see_the_contact(as_other_agent, ticket, customer):
    assert as_other_agent.get(_contact(customer)).status_code == 404
    assert (
        as_other_agent.get(
            reverse("desk:organization", args=[customer.organization_id])
        ).status_code
        == 404
    )
    listed = as_other_agent.get(reverse("desk:contacts"))
    assert "carol@acme.test" not in listed.content.decode()


def test_customers_and_visitors_are_refused(as_customer, ticket, customer, acme):
    for url in (
        _contact(customer),
        reverse("desk:contacts"),
        reverse("desk:organizations"),
        reverse("desk:organization", args=[acme.pk]),
    ):
        assert as_customer.get(url).status_code == 403
        assert Client().get(url).status_code == 302
    answer = as_customer.post(
        reverse("desk:add_contact_email", args=[customer.pk]), {"email": "x@y.test"}
    )
    assert answer.status_code == 403
    assert not ContactEmail.objects.exists()


def test_agents_do_not_see_agents_as_contacts(as_agent, ticket, agent, admin_user):
    assert signed_in(admin_user).get(_contact(agent)).status_code == 404


def test_admin_sees_a_contact_without_tickets(admin_user, other_customer, as_agent):
    assert signed_in(admin_user).get(_contact(other_customer)).status_code == 200
    assert as_agent.get(_contact(other_customer)).status_code == 404


def test_contact_list_searches_names_addresses_and_further_addresses(
    as_agent, ticket, customer, colleague, support
):
    _request(colleague, support)
    ContactEmail.objects.create(user=customer, email="carol.private@mail.test")
    everyone = as_agent.get(reverse("desk:contacts")).content.decode()
    assert "carol@acme.test" in everyone
    assert "cecil@acme.test" in everyone
    found = as_agent.get(reverse("desk:contacts"), {"q": "private"}).content.decode()
    assert "carol@acme.test" in found
    assert "cecil@acme.test" not in found
    assert "dave@elsewhere.test" not in everyone


def test_directory_search_refuses_oversized_input_and_survives_a_bad_page(as_agent, ticket):
    assert as_agent.get(reverse("desk:contacts"), {"q": "x" * 500}).status_code == 400
    assert as_agent.get(reverse("desk:organizations"), {"q": "x" * 500}).status_code == 400
    assert as_agent.get(reverse("desk:contacts"), {"page": "abc"}).status_code == 200
    assert as_agent.get(reverse("desk:contacts"), {"page": "-5"}).status_code == 200


def test_organization_page_lists_people_tickets_and_notes(as_agent, ticket, acme, customer):
    acme.notes = "Key account <script>alert(1)</script>"
    acme.save()
    page = as_agent.get(reverse("desk:organization", args=[acme.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"#{ticket.number}" in text
    assert "Carol Customer" in text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;" in text
    listed = as_agent.get(reverse("desk:organizations"), {"q": "acme"}).content.decode()
    assert reverse("desk:organization", args=[acme.pk]) in listed


def test_search_results_link_to_contact_and_organization_pages(as_agent, ticket, customer, acme):
    page = as_agent.get(reverse("search:page"), {"q": "carol@acme.test"}).content.decode()
    assert _contact(customer) in page
    page = as_agent.get(reverse("search:page"), {"q": "Acme"}).content.decode()
    assert reverse("desk:organization", args=[acme.pk]) in page


# Editing


def test_agent_edits_details_and_notes(as_agent, ticket, customer):
    answer = as_agent.post(
        reverse("desk:edit_contact", args=[customer.pk]),
        {
            "name": "Carol C.",
            "phone": "+40 21 555 0101",
            "organization": customer.organization_id,
            "notes": "Prefers mail.",
        },
    )
    assert answer.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.notes) == (
        "Carol C.",
        "+40 21 555 0101",
        "Prefers mail.",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"name": "C", "phone": "<script>", "notes": ""},
        {"name": "C", "phone": "", "notes": "x" * 10_001},
        {"name": "x" * 300, "phone": "", "notes": ""},
        {"name": "C", "phone": "", "notes": "", "organization": "not a number"},
        {"name": "C", "phone": "", "notes": "", "organization": "999999"},
    ],
)
def test_bad_details_are_refused_and_change_nothing(as_agent, ticket, customer, data):
    answer = as_agent.post(reverse("desk:edit_contact", args=[customer.pk]), data)
    assert answer.status_code == 422
    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.notes) == ("Carol Customer", "", "")


def test_read_only_agent_sees_but_may_not_edit(as_readonly, ticket, customer, acme):
    page = as_readonly.get(_contact(customer)).content.decode()
    assert reverse("desk:edit_contact", args=[customer.pk]) not in page
    answer = as_readonly.post(
        reverse("desk:edit_contact", args=[customer.pk]),
        {"name": "Hacked", "phone": "", "notes": ""},
    )
    assert answer.status_code == 403
    assert (
        as_readonly.post(
            reverse("desk:add_contact_phone", args=[customer.pk]), {"phone": "123"}
        ).status_code
        == 403
    )
    assert (
        as_readonly.post(
            reverse("desk:organization_notes", args=[acme.pk]), {"notes": "x"}
        ).status_code
        == 403
    )
    customer.refresh_from_db()
    acme.refresh_from_db()
    assert customer.name == "Carol Customer"
    assert acme.notes == ""
    assert not ContactPhone.objects.exists()


def test_agent_edits_organization_notes(as_agent, ticket, acme):
    answer = as_agent.post(
        reverse("desk:organization_notes", args=[acme.pk]), {"notes": "Renewal in May."}
    )
    assert answer.status_code == 302
    acme.refresh_from_db()
    assert acme.notes == "Renewal in May."
    too_long = as_agent.post(
        reverse("desk:organization_notes", args=[acme.pk]), {"notes": "x" * 10_001}
    )
    assert too_long.status_code == 422
    acme.refresh_from_db()
    assert acme.notes == "Renewal in May."


def test_edits_need_the_csrf_token(agent, ticket, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    answer = client.post(
        reverse("desk:add_contact_email", args=[customer.pk]), {"email": "c2@acme.test"}
    )
    assert answer.status_code == 403
    assert not ContactEmail.objects.exists()


# Further addresses and numbers


def test_mail_from_a_further_address_finds_the_same_contact(as_agent, ticket, customer):
    answer = as_agent.post(
        reverse("desk:add_contact_email", args=[customer.pk]), {"email": " Carol.Home@Mail.TEST "}
    )
    assert answer.status_code == 302
    assert find_or_create_customer("carol.home@mail.test") == customer
    assert find_or_create_customer("CAROL.HOME@mail.test") == customer
    assert not User.objects.filter(email="carol.home@mail.test").exists()


@pytest.mark.parametrize(
    "address", ["not an address", "<script>@x", "a@" + "b" * 300 + ".test", ""]
)
def test_malformed_address_is_refused(as_agent, ticket, customer, address):
    answer = as_agent.post(
        reverse("desk:add_contact_email", args=[customer.pk]), {"email": address}
    )
    assert answer.status_code == 422
    assert not ContactEmail.objects.exists()


def test_an_address_someone_has_is_refused(as_agent, ticket, customer, other_customer, agent):
    for taken in ("dave@elsewhere.test", "alice@example.com", "carol@acme.test"):
        answer = as_agent.post(
            reverse("desk:add_contact_email", args=[customer.pk]), {"email": taken}
        )
        assert answer.status_code == 422
        assert "already uses this address" in answer.content.decode()
    assert not ContactEmail.objects.exists()


def test_phones_are_added_once_and_removed(as_agent, ticket, customer):
    url = reverse("desk:add_contact_phone", args=[customer.pk])
    assert as_agent.post(url, {"phone": "+7 495 123-45-67"}).status_code == 302
    assert as_agent.post(url, {"phone": "+7 495 123-45-67"}).status_code == 422
    assert as_agent.post(url, {"phone": "call me maybe"}).status_code == 422
    assert as_agent.post(url, {"phone": "1" * 41}).status_code == 422
    phone = ContactPhone.objects.get()
    assert (
        as_agent.post(
            reverse("desk:remove_contact_phone", args=[customer.pk, phone.pk])
        ).status_code
        == 302
    )
    assert not ContactPhone.objects.exists()


def test_removing_another_contacts_address_does_nothing(
    as_agent, ticket, customer, colleague, support
):
    _request(colleague, support)
    theirs = ContactEmail.objects.create(user=colleague, email="cecil.home@mail.test")
    as_agent.post(reverse("desk:remove_contact_email", args=[customer.pk, theirs.pk]))
    assert ContactEmail.objects.filter(pk=theirs.pk).exists()


# Merging


def _merge(client: Client, source: User, address: str):
    return client.post(reverse("desk:merge_contact", args=[source.pk]), {"into": address})


@pytest.fixture
def duplicate(support, agent) -> User:
    """Carol again, under her home address, with a request, a phone and a rating."""
    carol = make_user("carol.home@mail.test", Role.CUSTOMER, name="Carol H", phone="+1 555 0100")
    ContactEmail.objects.create(user=carol, email="carol.old@mail.test")
    ticket = _request(carol, support, "Second printer")
    services.add_message(ticket, actor=agent, body=services.Body("On our way."))
    SatisfactionRating.objects.create(ticket=ticket, requester=carol, score=5, scale=Scale.FIVE)
    return carol


def test_admin_merges_two_contacts_with_history(admin_user, ticket, customer, duplicate):
    moved = Ticket.objects.get(requester=duplicate)
    answer = _merge(signed_in(admin_user), duplicate, "carol@acme.test")
    assert answer.status_code == 302
    assert answer["Location"] == _contact(customer)

    moved.refresh_from_db()
    assert moved.requester == customer
    line = moved.events.get(kind=EventKind.FIELD, field="requester")
    assert line.actor == admin_user
    assert line.before["label"] == "Carol H"
    assert line.after["label"] == "Carol Customer"
    assert moved.messages.get(kind=MessageKind.CUSTOMER).author == customer
    assert SatisfactionRating.objects.get().requester == customer
    duplicate.refresh_from_db()
    assert not duplicate.is_active
    assert not duplicate.has_usable_password()
    assert set(customer.extra_emails.values_list("email", flat=True)) == {
        "carol.home@mail.test",
        "carol.old@mail.test",
    }
    assert list(customer.extra_phones.values_list("number", flat=True)) == ["+1 555 0100"]
    # mail from either old address now lands on the surviving contact
    assert find_or_create_customer("carol.home@mail.test") == customer
    assert find_or_create_customer("carol.old@mail.test") == customer


def test_merge_moves_mail_copies_without_doubles(admin_user, ticket, customer, duplicate):
    both = _request(make_user("dan@acme.test", Role.CUSTOMER), ticket.department, "Shared")
    TicketCC.objects.create(ticket=ticket, user=duplicate)  # Carol's own ticket: now redundant
    TicketCC.objects.create(ticket=both, user=duplicate)
    TicketCC.objects.create(ticket=both, user=customer)  # already copied there
    other = _request(make_user("erin@acme.test", Role.CUSTOMER), ticket.department, "Other")
    TicketCC.objects.create(ticket=other, user=duplicate)
    assert _merge(signed_in(admin_user), duplicate, "carol@acme.test").status_code == 302
    assert not TicketCC.objects.filter(user=duplicate).exists()
    assert set(TicketCC.objects.values_list("ticket_id", "user_id")) == {
        (both.pk, customer.pk),
        (other.pk, customer.pk),
    }


def test_supervisor_merges_when_all_tickets_are_theirs(supervisor, ticket, customer, duplicate):
    assert _merge(signed_in(supervisor), duplicate, "carol@acme.test").status_code == 302
    assert not Ticket.objects.filter(requester=duplicate).exists()


def test_supervisor_may_not_merge_tickets_of_other_departments(
    supervisor, ticket, customer, duplicate, sales
):
    _request(duplicate, sales, "Quote please")
    answer = _merge(signed_in(supervisor), duplicate, "carol@acme.test")
    assert answer.status_code == 403
    assert Ticket.objects.filter(requester=duplicate).count() == 2
    duplicate.refresh_from_db()
    assert duplicate.is_active


def test_agents_may_not_merge(as_agent, as_readonly, as_other_agent, ticket, customer, duplicate):
    assert "Merge contacts" not in as_agent.get(_contact(duplicate)).content.decode()
    assert _merge(as_agent, duplicate, "carol@acme.test").status_code == 403
    assert _merge(as_readonly, duplicate, "carol@acme.test").status_code == 403
    assert _merge(as_other_agent, duplicate, "carol@acme.test").status_code == 404
    assert Ticket.objects.filter(requester=duplicate).exists()


@pytest.mark.parametrize(
    "address",
    [
        "carol.home@mail.test",
        "carol.old@mail.test",
        "nobody@nowhere.test",
        "alice@example.com",
        "garbage",
        "",
    ],
)
def test_bad_merge_targets_are_refused(admin_user, ticket, customer, duplicate, agent, address):
    answer = _merge(signed_in(admin_user), duplicate, address)
    assert answer.status_code == 422
    duplicate.refresh_from_db()
    assert duplicate.is_active
    assert Ticket.objects.filter(requester=duplicate).exists()


def test_a_merged_contact_cannot_be_merged_again(
    admin_user, ticket, customer, duplicate, colleague
):
    client = signed_in(admin_user)
    assert _merge(client, duplicate, "carol@acme.test").status_code == 302
    assert _merge(client, duplicate, "cecil@acme.test").status_code == 422


@pytest.mark.django_db(transaction=True)
def test_a_merge_runs_in_its_own_transaction(admin_user, ticket, customer, duplicate):
    """Outside a test's wrapping transaction, as in production: the merge locks its rows
    (SELECT … FOR UPDATE needs a transaction) and commits whole."""
    assert _merge(signed_in(admin_user), duplicate, "carol@acme.test").status_code == 302
    assert not Ticket.objects.filter(requester=duplicate).exists()
