"""Assignment from several threads at once, each with its own connection and transactions
(PostgreSQL in the PostgreSQL run): caps hold and no ticket is handed out twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from relaydesk.automation import assignment
from relaydesk.automation.models import AgentState, AssignmentMode, Availability, QueueEntry
from relaydesk.automation.tests.conftest import add_agent, set_mode
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket, TicketEvent

THREADS = 6


def in_threads(work: Callable[[int], None], count: int = THREADS) -> None:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(i)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def assert_caps_hold(cap: int) -> None:
    loads = Counter(Ticket.objects.exclude(assignee=None).values_list("assignee_id", flat=True))
    assert max(loads.values()) <= cap
    assigned = set(Ticket.objects.exclude(assignee=None).values_list("pk", flat=True))
    queued = set(QueueEntry.objects.values_list("ticket_id", flat=True))
    assert not assigned & queued
    handed = Counter(
        TicketEvent.objects.filter(field="assignee").values_list("ticket_id", flat=True)
    )
    assert set(handed.values()) <= {1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_new_tickets_never_exceed_a_cap(support, customer):
    set_mode(support, AssignmentMode.LEAST_LOADED)
    for i in range(2):
        add_agent(support, f"agent{i}@example.com", capacity=2)

    def open_two(i: int) -> None:
        for j in range(2):
            services.create_ticket(
                actor=customer,
                requester=customer,
                subject=f"Parallel {i}.{j}",
                body=services.Body("same moment"),
                channel=Channel.API,
                department=support,
            )

    in_threads(open_two)
    assert Ticket.objects.count() == THREADS * 2
    assert Ticket.objects.exclude(assignee=None).count() == 4
    assert QueueEntry.objects.count() == THREADS * 2 - 4
    assert_caps_hold(2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_hand_each_waiting_ticket_once(support, customer):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    agents = [add_agent(support, f"agent{i}@example.com", capacity=3) for i in range(3)]
    for agent in agents:
        AgentState.objects.create(user=agent, availability=Availability.OFFLINE)
    for i in range(15):
        services.create_ticket(
            actor=customer,
            requester=customer,
            subject=f"Waiting {i}",
            body=services.Body("queued"),
            channel=Channel.API,
            department=support,
        )
    assert QueueEntry.objects.count() == 15
    AgentState.objects.update(availability=Availability.ONLINE)

    in_threads(lambda i: assignment.drain(support.pk), count=4)

    assert Ticket.objects.exclude(assignee=None).count() == 9
    oldest = list(Ticket.objects.order_by("pk").values_list("assignee_id", flat=True)[:9])
    assert None not in oldest
    assert_caps_hold(3)
