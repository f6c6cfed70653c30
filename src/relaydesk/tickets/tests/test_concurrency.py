"""Tickets opened at the same moment from several threads, each with its own connection."""

import threading

import pytest
from django.db import connection

from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_numbers(customer):
    barrier = threading.Barrier(THREADS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def open_one(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            ticket = services.create_ticket(
                actor=customer,
                requester=customer,
                subject=f"Parallel {i}",
                body=services.Body("same moment"),
                channel=Channel.API,
            )
            numbers.append(ticket.number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == THREADS
    assert sorted(Ticket.objects.values_list("number", flat=True)) == sorted(numbers)
