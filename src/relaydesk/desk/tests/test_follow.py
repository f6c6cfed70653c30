from django.urls import reverse

from relaydesk.conftest import HTMX
from relaydesk.tickets.models import EventKind


def follow_url(ticket):
    return reverse("desk:follow", args=[ticket.number])


def test_agent_follows_and_unfollows_with_history(as_agent, agent, ticket):
    response = as_agent.post(follow_url(ticket), {"following": "1"}, **HTMX)
    assert response.status_code == 200
    assert list(ticket.followers.all()) == [agent]
    assert "Unfollow" in response.text
    as_agent.post(follow_url(ticket), {"following": "0"}, **HTMX)
    assert not ticket.followers.exists()
    lines = ticket.events.filter(kind=EventKind.FIELD, field="followers")
    assert [(e.before, e.after) for e in lines] == [
        (None, {"id": agent.pk, "label": str(agent)}),
        ({"id": agent.pk, "label": str(agent)}, None),
    ]


def test_following_twice_writes_one_history_line(as_agent, ticket):
    as_agent.post(follow_url(ticket), {"following": "1"})
    as_agent.post(follow_url(ticket), {"following": "1"})
    assert ticket.events.filter(field="followers").count() == 1


def test_read_only_agent_may_follow(as_readonly, readonly_agent, ticket):
    as_readonly.post(follow_url(ticket), {"following": "1"})
    assert list(ticket.followers.all()) == [readonly_agent]


def test_agent_of_another_department_cannot_follow(as_other_agent, ticket):
    assert as_other_agent.post(follow_url(ticket), {"following": "1"}).status_code == 404
    assert not ticket.followers.exists()


def test_customer_cannot_follow_in_the_desk(as_customer, ticket):
    assert as_customer.post(follow_url(ticket), {"following": "1"}).status_code == 403
    assert not ticket.followers.exists()


def test_follow_needs_post(as_agent, ticket):
    assert as_agent.get(follow_url(ticket)).status_code == 405


def test_history_shows_custom_field_labels(as_agent, agent, ticket):
    from relaydesk.tickets import services
    from relaydesk.tickets.models import CustomField, FieldKind

    CustomField.objects.create(key="order_no", label="Order number", kind=FieldKind.TEXT)
    services.update_ticket(ticket, actor=agent, custom_fields={"order_no": "A-17"})
    page = as_agent.get(reverse("desk:ticket", args=[ticket.number]), {"part": "history"})
    assert "Order number" in page.text
