"""A merged request in the portal points to the request it was merged into, if the customer
may see it, and says so plainly otherwise."""

from relaydesk.tickets import services
from relaydesk.tickets.merging import merge_tickets
from relaydesk.tickets.models import Channel


def _request(requester, department, subject):
    return services.create_ticket(
        actor=requester,
        requester=requester,
        subject=subject,
        body=services.Body("Help."),
        channel=Channel.PORTAL,
        department=department,
    )


def test_the_customer_is_sent_to_their_own_target(as_customer, customer, agent, ticket, support):
    target = _request(customer, support, "Printers")
    merge_tickets(ticket, into=target, actor=agent)
    page = as_customer.get(f"/requests/{ticket.number}/").content.decode()
    assert f'merged into <a href="/requests/{target.number}/">#{target.number}</a>' in page
    assert 'id="reply"' not in page


def test_a_target_the_customer_cannot_see_is_not_named(
    as_customer, other_customer, agent, ticket, support
):
    target = _request(other_customer, support, "Printers")
    merge_tickets(ticket, into=target, actor=agent)
    page = as_customer.get(f"/requests/{ticket.number}/").content.decode()
    assert "merged with another request" in page
    assert f"#{target.number}" not in page
