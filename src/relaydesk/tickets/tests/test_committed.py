"""After commit, a collector hands over the lines as written, unless a rollback may have taken
some of them alone: then the ones that committed are read again."""

from __future__ import annotations

from contextlib import suppress

import pytest
from django.db import transaction

from relaydesk.tickets import committed, events
from relaydesk.tickets.models import TicketEvent


@pytest.fixture
def handed(db):
    """A collector that keeps what it is handed: (exact, committed lines) per flush."""
    got: list[tuple[bool, list[TicketEvent]]] = []

    def flush(ticket_id: int, entry: committed.Entry) -> None:
        collector.release(ticket_id, entry)
        got.append((entry.exact, entry.committed(ticket_id, TicketEvent.objects.all())))

    collector = committed.LineCollector(committed.Entry, flush)
    yield collector, got
    committed._collectors.remove(collector)


def line(ticket, agent, after):
    return events.field_changed(
        ticket, actor=agent, field="priority", before=None, after={"id": after, "label": after}
    )


def test_lines_of_one_action_are_handed_over_as_written(
    ticket, agent, handed, django_capture_on_commit_callbacks
):
    collector, got = handed
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        written = [line(ticket, agent, 1), line(ticket, agent, 2)]
        for event in written:
            collector.add(event, ticket)
    [(exact, lines)] = got
    assert exact
    assert all(a is b for a, b in zip(lines, written, strict=True))


def test_a_line_a_savepoint_took_alone_is_not_handed_over(
    ticket, agent, handed, django_capture_on_commit_callbacks
):
    collector, got = handed
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = line(ticket, agent, 1)
        collector.add(kept, ticket)
        with suppress(RuntimeError), transaction.atomic():
            collector.add(line(ticket, agent, 2), ticket)
            raise RuntimeError
        later = line(ticket, agent, 3)
        collector.add(later, ticket)
    [(exact, lines)] = got
    assert not exact
    assert lines == [kept, later]


def test_a_savepoint_that_took_the_callback_too_starts_afresh(
    ticket, agent, handed, django_capture_on_commit_callbacks
):
    collector, got = handed
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with suppress(RuntimeError), transaction.atomic():
            collector.add(line(ticket, agent, 1), ticket)
            raise RuntimeError
        kept = line(ticket, agent, 2)
        collector.add(kept, ticket)
    [(exact, lines)] = got
    assert exact
    assert lines == [kept]


def test_an_entry_knows_whether_a_later_line_was_written_on_its_ticket(
    ticket, agent, django_capture_on_commit_callbacks
):
    """Two actions in one transaction (an import's batch): the first one's ticket in hand is
    no longer the ticket once the second wrote on it."""
    latest: list[bool] = []

    def flush(ticket_id: int, entry: committed.Entry) -> None:
        collector.release(ticket_id, entry)
        latest.append(collector.is_latest(ticket_id, entry))

    collector = committed.LineCollector(committed.Entry, flush)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            collector.add(line(ticket, agent, 1), ticket)
            collector.separate()
            collector.add(line(ticket, agent, 2), ticket)
    finally:
        committed._collectors.remove(collector)
    assert latest == [False, True]
