"""A drain hands a batch of waiting tickets over at once (issue 5): one history insert for the
batch, the SLA recomputed once for all of it, and the same lines and due times as a ticket
handed over alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.automation import assignment
from relaydesk.automation.models import AgentState, AssignmentMode, Availability, QueueEntry
from relaydesk.automation.tests.conftest import add_agent, set_mode
from relaydesk.sla.models import Policy, Target, TicketSla
from relaydesk.tickets import events, services
from relaydesk.tickets.models import Priority, StatusCategory, Ticket, TicketEvent


@pytest.fixture
def waiting(support, open_ticket) -> list[Ticket]:
    """Four new tickets queued in a round-robin department whose two agents are offline."""
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    for name in ("one", "two"):
        agent = add_agent(support, f"{name}@example.com")
        AgentState.objects.create(user=agent, availability=Availability.OFFLINE)
    policy = Policy.objects.create(name="Standard", position=1)
    Target.objects.create(policy=policy, priority=Priority.NORMAL, first_response=60)
    tickets = [open_ticket(support, subject=f"w{i}") for i in range(4)]
    assert QueueEntry.objects.count() == 4
    AgentState.objects.update(availability=Availability.ONLINE)
    return tickets


def count(queries: CaptureQueriesContext, start: str) -> int:
    return sum(q["sql"].lstrip().startswith(start) for q in queries.captured_queries)


def test_a_batch_is_one_history_insert_and_one_sla_recompute(waiting):
    with CaptureQueriesContext(connection) as queries:
        assert assignment.drain(waiting[0].department_id) == 4
    assert count(queries, 'INSERT INTO "tickets_ticketevent"') == 1
    assert (
        sum(
            '"sla_record"' in q["sql"]
            for q in queries.captured_queries
            if "SELECT" in q["sql"][:20]
        )
        == 1
    )
    assert not QueueEntry.objects.exists()


def test_each_ticket_gets_the_lines_and_due_times_of_a_hand_over_alone(waiting):
    assignment.drain(waiting[0].department_id)
    agents = []
    for ticket in waiting:
        ticket = Ticket.objects.get(pk=ticket.pk)
        lines = list(ticket.events.filter(note="Assignment: Round robin").order_by("pk"))
        assert [(line.field, line.actor_id) for line in lines] == [
            ("assignee", None),
            ("status", None),
        ]
        assert lines[0].after == {"id": ticket.assignee_id, "label": str(ticket.assignee)}
        assert (lines[1].before["id"], lines[1].after["id"]) == ("new", "open")
        assert ticket.status == StatusCategory.OPEN
        assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(minutes=60)
        assert TicketSla.objects.get(ticket=ticket).due_at == ticket.first_response_due_at
        agents.append(ticket.assignee.email)
    assert agents == ["one@example.com", "two@example.com"] * 2  # round robin, in order


def test_a_batch_with_an_agent_outside_the_department_changes_nothing(waiting, other_agent, sales):
    tickets = list(Ticket.objects.filter(pk__in=[t.pk for t in waiting]).order_by("pk"))
    one = add_agent(tickets[0].department, "three@example.com")
    with pytest.raises(ValidationError), events.caused_by("test"):
        services.assign_many([(tickets[0], one), (tickets[1], other_agent)])
    assert not Ticket.objects.exclude(assignee=None).exists()
    assert not TicketEvent.objects.filter(note="test").exists()
