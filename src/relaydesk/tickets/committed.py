"""Hearing an action's history lines once its transaction has committed.

`event_recorded` fires inside the action's transaction for every line. A `LineCollector` only
gathers the lines per ticket and, when the transaction commits, hands them to its `flush` once,
together: work that must never undo the change (automation, notifications) runs there, in a
transaction of its own. A rolled-back transaction takes its lines with it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from relaydesk.tickets.models import Ticket, TicketEvent

_collectors: list[LineCollector[Any]] = []
LATEST_KEPT = 10_000  # tickets whose latest entry a thread remembers


def separate_actions() -> None:
    """Several independent actions in one transaction (an import's batch of mails): what each
    wrote is handed over on its own after commit, as if each had committed alone."""
    for collector in _collectors:
        collector.separate()


@dataclass(kw_only=True)
class Entry:
    """What a collector keeps per ticket: the lines as written and the callback queued for
    them. `exact` while a rollback cannot have taken a line and left the callback: each line
    was written inside no savepoint the callback was queued outside of."""

    lines: list[TicketEvent] = field(default_factory=list)
    exact: bool = True
    savepoints: frozenset[str] = frozenset()
    callback: Callable[[], None] | None = None

    def committed(self, ticket_id: int, read: QuerySet[TicketEvent]) -> list[TicketEvent]:
        """The lines that committed: those in hand (in the order written) when exact, else
        read again through `read` (in its order)."""
        if self.exact:
            return self.lines
        return list(read.filter(pk__in=[line.pk for line in self.lines], ticket_id=ticket_id))


class LineCollector[E: Entry]:
    """Per thread: each ticket's lines of the running transaction, given to `flush(ticket_id,
    entry)` after commit. `new_entry` makes the entry of a ticket's first line."""

    def __init__(self, new_entry: Callable[[], E], flush: Callable[[int, E], None]) -> None:
        self._new_entry = new_entry
        self._flush = flush
        self._local = threading.local()
        _collectors.append(self)

    def _pending(self) -> dict[int, Any]:
        if not hasattr(self._local, "pending"):
            self._local.pending = {}
        return self._local.pending

    def add(self, event: TicketEvent, ticket: Ticket) -> None:
        if getattr(self._local, "suspended", False):
            return
        pending = self._pending()
        entry = pending.get(ticket.pk)
        savepoints = frozenset(connection.savepoint_ids)
        if entry is None or not self._still_queued(entry):  # none yet, or rolled back
            entry = pending[ticket.pk] = self._new_entry()
            entry.savepoints = savepoints
            entry.callback = partial(self._run, ticket.pk, entry)
            transaction.on_commit(entry.callback, robust=True)
        entry.lines.append(event)
        entry.exact = entry.exact and savepoints <= entry.savepoints
        latest = self._latest()
        if len(latest) >= LATEST_KEPT:  # entries of rolled-back actions are never flushed
            latest.clear()  # (forgetting only costs a read)
        latest[ticket.pk] = entry

    def _latest(self) -> dict[int, Any]:
        if not hasattr(self._local, "latest"):
            self._local.latest = {}
        return self._local.latest

    def is_latest(self, ticket_id: int, entry: E) -> bool:
        """Was no line written on the ticket after this entry's (by a later action of the same
        transaction, such as the next mail of an import's batch, or by a flush since)? Then the
        ticket its lines hold is as the database has it."""
        return self._latest().get(ticket_id) is entry

    def _run(self, ticket_id: int, entry: E) -> None:
        try:
            self._flush(ticket_id, entry)
        finally:
            latest = self._latest()
            if latest.get(ticket_id) is entry:
                del latest[ticket_id]

    def release(self, ticket_id: int, entry: E) -> None:
        """Forget the ticket's entry as its flush starts (lines written by the flush itself
        start a new one)."""
        pending = self._pending()
        if pending.get(ticket_id) is entry:
            del pending[ticket_id]

    def separate(self) -> None:
        """Lines from now on are flushed apart from the lines before (still after commit)."""
        self._pending().clear()

    @staticmethod
    def _still_queued(entry: Entry) -> bool:
        """Django drops the callbacks of a rolled-back transaction or savepoint."""
        return any(item[1] is entry.callback for item in connection.run_on_commit)

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Nothing collected for actions inside (seeding the demo's history)."""
        self._local.suspended = True
        try:
            yield
        finally:
            self._local.suspended = False
