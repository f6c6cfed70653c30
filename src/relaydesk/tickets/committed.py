"""Hearing an action's history lines once its transaction has committed.

`event_recorded` fires inside the action's transaction for every line. A `LineCollector` only
gathers the lines per ticket and, when the transaction commits, hands them to its `flush` once,
together: work that must never undo the change (automation, notifications) runs there, in a
transaction of its own. A rolled-back transaction takes its lines with it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from django.db import connection, transaction

from relaydesk.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)
_collectors: list[LineCollector[Any]] = []


def separate_actions() -> None:
    """Several independent actions in one transaction (an import's batch of mails): what each
    wrote is handed over on its own after commit, as if each had committed alone."""
    for collector in _collectors:
        collector.separate()


@dataclass
class _Group:
    """A collector's entries of one `prepared_together` block, and whether they were prepared."""

    entries: list[tuple[int, Any]] = field(default_factory=list)
    prepared: bool = False


_gathering: ContextVar[dict[int, _Group] | None] = ContextVar(
    "relaydesk_lines_gathering", default=None
)


@contextmanager
def prepared_together() -> Iterator[None]:
    """Inside one transaction of several actions (an import's batch of mails, apart by
    `separate_actions`), each collector that has a `prepare` hands it, at its first flush
    after commit, every entry of the block at once, to read together what each flush would
    read alone. The flushes still run one by one, in order. Entries whose savepoint rolled
    back are among those prepared, and never flushed."""
    token = _gathering.set({})
    try:
        yield
    finally:
        _gathering.reset(token)
    transaction.on_commit(_forget_written, robust=True)  # after every flush of the block


def _forget_written() -> None:
    for collector in _collectors:
        collector.forget_written()


class Entry(Protocol):
    """What a collector keeps per ticket: the line ids, and the callback queued for them."""

    ids: list[int]
    callback: Callable[[], None] | None


class LineCollector[E: Entry]:
    """Per thread: each ticket's lines of the running transaction, given to `flush(ticket_id,
    entry)` after commit. `new_entry` makes the entry of a ticket's first line."""

    def __init__(
        self,
        new_entry: Callable[[], E],
        flush: Callable[[int, E], None],
        prepare: Callable[[list[tuple[int, E]]], None] | None = None,
    ) -> None:
        self._new_entry = new_entry
        self._flush = flush
        self._prepare = prepare
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
        if entry is None or not self._still_queued(entry):  # none yet, or rolled back
            entry = pending[ticket.pk] = self._new_entry()
            entry.callback = self._callback(ticket.pk, entry)
            transaction.on_commit(entry.callback, robust=True)
        entry.ids.append(event.pk)
        written = getattr(self._local, "written", None)
        if written is not None:
            written.add(ticket.pk)

    def _callback(self, ticket_id: int, entry: E) -> Callable[[], None]:
        groups = _gathering.get()
        if groups is None or self._prepare is None:
            return partial(self._flush, ticket_id, entry)
        group = groups.setdefault(id(self), _Group())
        group.entries.append((ticket_id, entry))
        return partial(self._flush_prepared, group, ticket_id, entry)

    def _flush_prepared(self, group: _Group, ticket_id: int, entry: E) -> None:
        if not group.prepared and self._prepare is not None:
            group.prepared = True
            self._local.written = set()
            try:
                self._prepare(group.entries)
            except Exception:  # only a shortcut: each flush reads for itself instead
                logger.exception("preparing %s entries failed", len(group.entries))
        self._flush(ticket_id, entry)

    def forget_written(self) -> None:
        self._local.written = None

    def written_since_prepared(self, ticket_id: int) -> bool:
        """Has a line been written on the ticket since the last `prepare` (what it read of
        the ticket may have changed)?"""
        written = getattr(self._local, "written", None)
        return written is not None and ticket_id in written

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
