"""Keep each ticket's search document current, in the transaction of the change.

`on_event` hears every `TicketEvent` (tickets.signals.event_recorded) and rewrites the document
when the event changes searchable text: creation, a message (reply, customer message, internal
note, with its attachments' file names), the subject, a transfer note. `rebuild` fills the
documents of existing tickets in bulk (`relaydesk searchindex`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection

from relaydesk.search.models import SearchDocument
from relaydesk.tickets.events import CONVERSATION_FIELDS
from relaydesk.tickets.models import (
    Attachment,
    EventKind,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)

# The text search configuration per ticket language; Polish and Persian have no snowball
# stemmer in PostgreSQL: they use `simple` (plus unaccent, which every document gets).
CONFIGS = {"en": "english", "ru": "russian", "ro": "romanian", "pl": "simple", "fa": "simple"}
MAX_TEXT = 300_000  # characters per column: a tsvector must stay under 1 MB
# Control characters (the snippet markers \x02 and \x03 among them) never reach the index.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Changes of searchable text: the subject, and messages moving in or out (merge, split).
_TEXT_FIELDS = {"subject", *CONVERSATION_FIELDS}


def clean(text: str) -> str:
    return _CONTROL.sub(" ", text)[:MAX_TEXT]


# A conversation as the document reads it: (kind, text) of each message, then (kind, file
# name) of each attachment.
Conversation = tuple[list[tuple[str, str]], list[tuple[str, str]]]


def conversation_of(ticket: Ticket) -> Conversation:
    messages = Message.objects.filter(ticket=ticket).exclude(kind=MessageKind.SYSTEM)
    files = Attachment.objects.filter(message__ticket=ticket)
    return (
        list(messages.values_list("kind", "body_text")),
        list(files.values_list("message__kind", "filename")),
    )


def document_fields(ticket: Ticket, conversation: Conversation | None = None) -> dict[str, Any]:
    """The words of a ticket: subject; people; public messages and their files; notes.
    `conversation`: its messages and files when the caller has them in hand (else read)."""
    public: list[str] = []
    notes: list[str] = []
    requester = ticket.requester
    people = [requester.name, requester.email]
    if ticket.organization_id:
        people.append(ticket.organization.name)  # type: ignore[union-attr]
    public.append(" ".join(p for p in people if p))
    messages, files = conversation or conversation_of(ticket)
    for kind, text in [*messages, *files]:
        (notes if kind == MessageKind.NOTE else public).append(text)
    return {
        "config": CONFIGS.get(ticket.language, "simple"),
        "title": clean(ticket.subject),
        "public_text": clean("\n".join(public)),
        "note_text": clean("\n".join(notes)),
    }


def index_ticket(ticket: Ticket, conversation: Conversation | None = None) -> None:
    """Write the ticket's document from the ticket as the change left it (the services pass
    the instance they wrote) and its messages as stored (or as given)."""
    fields = document_fields(ticket, conversation)
    # One INSERT … ON CONFLICT DO UPDATE (the vector triggers fire on either branch).
    SearchDocument.objects.bulk_create(
        [SearchDocument(ticket=ticket, **fields)],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=list(fields),
    )


def on_event(
    sender: Any,
    *,
    event: TicketEvent,
    ticket: Ticket,
    first_message: Message | None = None,
    first_attachments: Sequence[Attachment] = (),
    **kwargs: Any,
) -> None:
    if event.kind in (EventKind.CREATED, EventKind.MESSAGE) or (
        event.kind == EventKind.FIELD and event.field in _TEXT_FIELDS
    ):
        waiting = _deferred.get()
        if waiting is not None:
            waiting.add(ticket.pk)
        elif first_message is not None:  # a new ticket: its one message is in hand
            kind = first_message.kind
            index_ticket(
                ticket,
                (
                    [(kind, first_message.body_text)] if kind != MessageKind.SYSTEM else [],
                    [(kind, a.filename) for a in first_attachments],
                ),
            )
        else:
            index_ticket(ticket)


_deferred: ContextVar[set[int] | None] = ContextVar("relaydesk_search_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside, the documents of the tickets whose text changed are written once, when the
    block ends without an error (still in the caller's transaction): an import's batch of
    mails is indexed by one statement on PostgreSQL instead of three per mail."""
    waiting: set[int] = set()
    token = _deferred.set(waiting)
    try:
        yield
    finally:
        _deferred.reset(token)
    index_tickets(sorted(waiting))


def index_tickets(ids: list[int]) -> None:
    if not ids:
        return
    if connection.vendor == "postgresql":
        _index_postgresql("t.id = ANY(%s)", [ids])
    else:
        for ticket in Ticket.objects.filter(pk__in=ids).select_related("requester", "organization"):
            index_ticket(ticket)


def rebuild(*, batch: int = 20_000) -> int:
    """(Re)write every ticket's document in batches of ticket ids; returns tickets indexed.
    On PostgreSQL one INSERT … SELECT per batch; elsewhere through `index_ticket`."""
    last, done = 0, 0
    while True:
        ids = list(
            Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        if connection.vendor == "postgresql":
            _index_postgresql("t.id BETWEEN %s AND %s", [ids[0], ids[-1]])
        else:
            for ticket in Ticket.objects.filter(pk__in=ids):
                index_ticket(ticket)
        last, done = ids[-1], done + len(ids)


def _index_postgresql(where: str, params: list[Any]) -> None:
    configs = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in CONFIGS.items())
    control = r"'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'"
    text = f"left(regexp_replace(%s, {control}, ' ', 'g'), {MAX_TEXT})"
    notes = f"kind = '{MessageKind.NOTE.value}'"
    public_kinds = f"kind NOT IN ('{MessageKind.NOTE.value}', '{MessageKind.SYSTEM.value}')"
    # Fixed SQL built from constants; the ids are parameters.
    sql = f"""
    INSERT INTO search_searchdocument (ticket_id, config, title, public_text, note_text)
    SELECT t.id, CASE t.language {configs} ELSE 'simple' END,
      {text % "t.subject"},
      {text % "concat_ws(E'\\n', concat_ws(' ', u.name, u.email, o.name), m.public)"},
      {text % "coalesce(m.notes, '')"}
    FROM tickets_ticket t
    JOIN accounts_user u ON u.id = t.requester_id
    LEFT JOIN accounts_organization o ON o.id = t.organization_id
    LEFT JOIN LATERAL (
      SELECT string_agg(x.body, E'\\n' ORDER BY x.at) FILTER (WHERE x.{public_kinds}) AS public,
             string_agg(x.body, E'\\n' ORDER BY x.at) FILTER (WHERE x.{notes}) AS notes
      FROM (
        SELECT kind, body_text AS body, created_at AS at FROM tickets_message
        WHERE ticket_id = t.id
        UNION ALL
        SELECT msg.kind, a.filename, a.created_at FROM tickets_attachment a
        JOIN tickets_message msg ON msg.id = a.message_id WHERE msg.ticket_id = t.id
      ) x
    ) m ON true
    WHERE {where}
    ON CONFLICT (ticket_id) DO UPDATE SET config = EXCLUDED.config, title = EXCLUDED.title,
      public_text = EXCLUDED.public_text, note_text = EXCLUDED.note_text
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
