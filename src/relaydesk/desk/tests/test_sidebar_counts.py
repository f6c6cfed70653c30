"""The sidebar counts come from the ticket tally that database triggers keep: they must equal
counting the visible tickets themselves, whatever wrote the tickets and whoever looks."""

import random

import pytest
from django.db import connection
from django.utils import timezone

from relaydesk.desk import listing
from relaydesk.tickets import services, tally
from relaydesk.tickets.models import (
    GROUP_STATUSES,
    Channel,
    StatusCategory,
    Ticket,
    TicketTally,
)
from relaydesk.tickets.visibility import visible_tickets

pytestmark = pytest.mark.django_db


def counted(user) -> dict[str, int]:
    """The counts the slow way: over the tickets."""
    visible = visible_tickets(user)
    live = visible.filter(archived_at=None)
    counts = {group: live.filter(status__in=s).count() for group, s in GROUP_STATUSES.items()}
    counts[listing.ARCHIVED] = visible.exclude(archived_at=None).count()
    still_open = live.filter(status__in=listing.OPEN_STATUSES)
    counts["mine"] = still_open.filter(assignee=user).count()
    counts["unassigned"] = still_open.filter(assignee=None).count()
    return counts


@pytest.fixture
def people(admin_user, agent, readonly_agent, other_agent, supervisor):
    return [admin_user, agent, readonly_agent, other_agent, supervisor]


def test_counts_follow_every_kind_of_write(people, customer, support, sales, agent, other_agent):
    rng = random.Random(7)
    departments = [support, sales, None]
    assignees = {support: [agent, None], sales: [other_agent, None], None: [None]}
    for k in range(30):
        department = rng.choice(departments)
        services.create_ticket(
            actor=customer,
            requester=customer,
            subject=f"Request {k}",
            body=services.Body("Help"),
            channel=Channel.PORTAL,
            department=department,
        )
    tickets = list(Ticket.objects.all())
    for ticket in rng.sample(tickets, 12):  # through the model: full saves
        ticket.status = rng.choice(StatusCategory.values)
        ticket.assignee = rng.choice(assignees[ticket.department])
        ticket.save()
    # Bulk writes that bypass save() and the services are counted too.
    Ticket.objects.filter(department=sales).update(status=StatusCategory.PENDING)
    Ticket.objects.filter(department=None).update(department=support)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:3]]).delete()
    closed = Ticket.objects.filter(status=StatusCategory.CLOSED)
    Ticket.objects.filter(pk__in=closed.values("pk")[:2]).update(archived_at=timezone.now())
    for person in people:
        assert listing.group_counts(person) == counted(person), person.email


def test_a_customer_sees_no_counts(customer, ticket):
    assert listing.group_counts(customer) == dict.fromkeys(
        (*GROUP_STATUSES, listing.ARCHIVED, "mine", "unassigned"), 0
    )


def test_a_change_that_keeps_the_key_moves_no_count(ticket):
    before = list(TicketTally.objects.values_list("department_key", "status", "n"))
    Ticket.objects.filter(pk=ticket.pk).update(subject="Renamed", priority=4)
    assert list(TicketTally.objects.values_list("department_key", "status", "n")) == before


def test_the_list_page_shows_the_counts(as_agent, ticket, agent, support):
    response = as_agent.get("/desk/")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts == counted(agent)
    assert counts["active"] == 1
    assert counts["unassigned"] == 1


def test_lost_triggers_are_put_back_and_the_tally_recounted(people, ticket, agent):
    """SQLite drops a table's triggers when a migration rebuilds the table: the next migrate
    (its post_migrate hook) installs them again and recounts."""
    with connection.cursor() as cursor:
        for name in tally.NAMES:
            suffix = " ON tickets_ticket" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER {name}{suffix}")
    Ticket.objects.filter(pk=ticket.pk).update(status=StatusCategory.PENDING)  # not counted
    assert listing.group_counts(agent) != counted(agent)
    assert tally.ensure(connection) is True
    assert listing.group_counts(agent) == counted(agent)
    assert tally.ensure(connection) is False  # in place: nothing to do
