"""What a recompute reads and writes, in as few round trips as the database allows (issue 6).

A recompute reads its tickets' history, cycle records, clock states (and tags, when a policy
matches on tags) in one statement, a UNION ALL of the four, and sends the rows that differ in
one statement per table: on PostgreSQL those statements travel together in one round trip
(client-side binding, Django's default with psycopg 3, lets one execute carry several). The
same SQL serves one ticket (a service action, the hot path) and a batch of 2,000 (a calendar
change). It is plain text: for one ticket, the ORM's query building cost more CPU than the
database spent on the queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Field

from relaydesk.sla.models import TicketSla
from relaydesk.tickets.models import TicketEvent

# (instant, kind, field, before, after): a history line as the clock reads it.
EventRow = tuple[dt.datetime, str, str, Any, Any]
# TicketSla's values in `STATE_COLUMNS` order.
State = tuple[int | None, bool, dt.datetime | None, dt.datetime | None, str, dt.datetime | None]
STATE_COLUMNS = ("policy_id", "paused", "due_at", "risk_at", "due_kind", "timer_at")
DUE_COLUMNS = ("first_response_due_at", "next_response_due_at", "resolution_due_at")
RECORD_COLUMNS = ("policy_id", "agent_id", "due_at", "risk_at", "met_at", "breached_at")
# Rows per statement: SQLite takes at most 32,766 parameters in one.
ROWS_PER_STATEMENT = 500


@dataclass(slots=True)
class RecordRow:
    """A `Record` as a recompute reads and writes it (a plain object: a batch holds thousands,
    and a model instance costs several times more to make). `pk` is None until inserted."""

    pk: int | None
    ticket_id: int
    kind: str
    started_at: dt.datetime
    policy_id: int | None
    agent_id: int | None
    due_at: dt.datetime | None
    risk_at: dt.datetime | None
    met_at: dt.datetime | None
    breached_at: dt.datetime | None
    escalated: str = ""


@dataclass
class Stored:
    """What the database holds of some tickets before their recompute, per ticket id."""

    events: dict[int, list[EventRow]]
    tags: dict[int, frozenset[int]]
    records: dict[int, list[RecordRow]]
    states: dict[int, State]


@dataclass
class Changes:
    """The rows a recompute must write: only those that differ from what is stored."""

    states: list[tuple[int, State]] = field(default_factory=list)
    dues: list[tuple[int, tuple[dt.datetime | None, ...]]] = field(default_factory=list)
    new_records: list[RecordRow] = field(default_factory=list)
    changed_records: list[RecordRow] = field(default_factory=list)
    gone_records: list[int] = field(default_factory=list)


# Part of the UNION each row comes from.
EVENT, RECORD, STATE, TAG = range(4)
TIMESTAMP = "timestamp with time zone"

# Every branch has the columns of the first: part, ticket, row id, a sort instant, an instant,
# two texts, two JSON values, policy, agent, three instants, a flag. The first branch names
# their types (PostgreSQL resolves a UNION's NULL columns from left to right).
_EVENTS = f"""
SELECT {EVENT} AS "part", "tickets_ticketevent"."ticket_id" AS "ticket",
  "tickets_ticketevent"."id" AS "row",
  "tickets_ticketevent"."created_at" AS "sort_at",
  COALESCE("tickets_message"."created_at", "tickets_ticketevent"."created_at") AS "at",
  "tickets_ticketevent"."kind" AS "kind", "tickets_ticketevent"."field" AS "text",
  "tickets_ticketevent"."before" AS "before", "tickets_ticketevent"."after" AS "after",
  CAST(NULL AS bigint) AS "policy", CAST(NULL AS bigint) AS "agent",
  CAST(NULL AS {TIMESTAMP}) AS "risk_at", CAST(NULL AS {TIMESTAMP}) AS "met_at",
  CAST(NULL AS {TIMESTAMP}) AS "breached_at", CAST(NULL AS boolean) AS "paused"
FROM "tickets_ticketevent"
LEFT OUTER JOIN "tickets_message"
  ON "tickets_message"."id" = "tickets_ticketevent"."message_id"
WHERE "tickets_ticketevent"."ticket_id" IN ({{ids}})"""
_RECORDS = f"""
SELECT {RECORD}, "ticket_id", "id", "started_at", "due_at", "kind", "escalated", NULL, NULL,
  "policy_id", "agent_id", "risk_at", "met_at", "breached_at", NULL
FROM "sla_record" WHERE "ticket_id" IN ({{ids}})"""
_STATES = f"""
SELECT {STATE}, "ticket_id", "ticket_id", "timer_at", "due_at", "due_kind", NULL, NULL, NULL,
  "policy_id", NULL, "risk_at", NULL, NULL, "paused"
FROM "sla_ticketsla" WHERE "ticket_id" IN ({{ids}})"""
_TAGS = f"""
SELECT {TAG}, "ticket_id", "tag_id", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL
FROM "tickets_ticket_tags" WHERE "ticket_id" IN ({{ids}})"""
# History lines in order of writing (instant, then id), as `TicketEvent`'s own order.
_ORDER = "\nORDER BY 1, 2, 4, 3"


def _converter(model_field: Field[Any, Any]) -> Callable[[Any], Any]:
    """What the ORM would do to a value of this column read from this database."""
    expression = model_field.get_col(model_field.model._meta.db_table)
    steps = [
        *connection.ops.get_db_converters(expression),
        *model_field.get_db_converters(connection),
    ]

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, expression, connection)
        return value

    return convert


def read(ticket_ids: Sequence[int], *, tags: bool) -> Stored:
    """Everything a recompute of these tickets reads, in one statement."""
    ids = ", ".join(["%s"] * len(ticket_ids))
    parts = [_EVENTS, _RECORDS, _STATES, *([_TAGS] if tags else [])]
    sql = "\nUNION ALL".join(part.format(ids=ids) for part in parts) + _ORDER
    stored = Stored(
        events={pk: [] for pk in ticket_ids},
        tags={},
        records={},
        states={},
    )
    instant = _converter(TicketEvent._meta.get_field("created_at"))
    json = _converter(TicketEvent._meta.get_field("after"))
    flag = _converter(TicketSla._meta.get_field("paused"))
    tag_ids: dict[int, set[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(ticket_ids) * len(parts))
        rows = cursor.fetchall()
    for part, ticket, row, sort_at, at, kind, text, before, after, *rest in rows:
        policy, agent, risk_at, met_at, breached_at, paused = rest
        if part == EVENT:
            stored.events[ticket].append((instant(at), kind, text, json(before), json(after)))
        elif part == RECORD:
            record = RecordRow(
                pk=row,
                ticket_id=ticket,
                kind=kind,
                started_at=instant(sort_at),
                policy_id=policy,
                agent_id=agent,
                due_at=instant(at),
                risk_at=instant(risk_at),
                met_at=instant(met_at),
                breached_at=instant(breached_at),
                escalated=text,
            )
            stored.records.setdefault(ticket, []).append(record)
        elif part == STATE:
            state = (policy, flag(paused), instant(at), instant(risk_at), kind, instant(sort_at))
            stored.states[ticket] = state
        else:
            tag_ids.setdefault(ticket, set()).add(row)
    stored.tags = {pk: frozenset(tag_ids.get(pk, ())) for pk in ticket_ids}
    return stored


def read_or_know(
    ticket_ids: Sequence[int], opened: Mapping[int, Sequence[TicketEvent]], *, tags: bool
) -> Stored:
    """What `read` would find, without reading the tickets created by the running action
    (`opened`: their lines, which are all they have) when their tags are not needed."""
    known = {} if tags else {pk: lines for pk, lines in opened.items() if pk in ticket_ids}
    unknown = [pk for pk in ticket_ids if pk not in known]
    stored = read(unknown, tags=tags) if unknown else Stored({}, {}, {}, {})
    for pk, lines in known.items():
        stored.events[pk] = [_row(line) for line in lines]
        stored.tags[pk] = frozenset()
    return stored


def _row(line: TicketEvent) -> EventRow:
    """A line as `read` would give it: a message's line counts from the message's instant."""
    at = line.message.created_at if line.message_id is not None else line.created_at  # type: ignore[union-attr]
    return (at, line.kind, line.field, line.before, line.after)


def _chunks[T](rows: Sequence[T]) -> Iterator[Sequence[T]]:
    it = iter(rows)
    while chunk := list(islice(it, ROWS_PER_STATEMENT)):
        yield chunk


def _instant(value: dt.datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _values(rows: Sequence[Sequence[Any]], types: Sequence[str]) -> tuple[str, list[Any]]:
    """A VALUES list; PostgreSQL is told each column's type in the first row (a column of
    NULLs would be text), SQLite needs no types (and would convert the values)."""
    first = ", ".join(
        f"CAST(%s AS {kind})" if connection.vendor == "postgresql" else "%s" for kind in types
    )
    other = ", ".join(["%s"] * len(types))
    sql = ", ".join([f"({first})", *[f"({other})"] * (len(rows) - 1)])
    return sql, [value for row in rows for value in row]


Statement = tuple[str, list[Any]]


def _update_from(
    table: str, key: str, columns: Sequence[str], types: Sequence[str], rows: Sequence[Any]
) -> Iterator[Statement]:
    """`UPDATE … FROM (VALUES …)`: many rows, each with its own values, in one statement."""
    names = ", ".join(f'"{name}"' for name in (key, *columns))
    assignments = ", ".join(f'"{name}" = "v"."{name}"' for name in columns)
    for chunk in _chunks(rows):
        values, params = _values(chunk, types)
        yield (
            f'WITH "v" ({names}) AS (VALUES {values}) UPDATE "{table}" SET {assignments} '
            f'FROM "v" WHERE "{table}"."{key}" = "v"."{key}"',
            params,
        )


def statements(changes: Changes) -> Iterator[Statement]:
    """The writes, the clock state first."""
    state_names = ", ".join(f'"{name}"' for name in ("ticket_id", *STATE_COLUMNS))
    state_updates = ", ".join(f'"{name}" = excluded."{name}"' for name in STATE_COLUMNS)
    state_types = ("bigint", "bigint", "boolean", TIMESTAMP, TIMESTAMP, "varchar", TIMESTAMP)
    for states in _chunks(changes.states):
        values, params = _values(
            [
                (pk, policy, paused, _instant(due), _instant(risk), kind, _instant(timer))
                for pk, (policy, paused, due, risk, kind, timer) in states
            ],
            state_types,
        )
        yield (
            f'INSERT INTO "sla_ticketsla" ({state_names}) VALUES {values} '
            f'ON CONFLICT ("ticket_id") DO UPDATE SET {state_updates}',
            params,
        )
    yield from _update_from(
        "tickets_ticket",
        "id",
        DUE_COLUMNS,
        ("bigint", TIMESTAMP, TIMESTAMP, TIMESTAMP),
        [(pk, *(_instant(due) for due in dues)) for pk, dues in changes.dues],
    )
    record_types = ("bigint", "bigint", TIMESTAMP, TIMESTAMP, TIMESTAMP, TIMESTAMP)
    new_names = ", ".join(
        f'"{name}"' for name in ("ticket_id", "kind", "started_at", "escalated", *RECORD_COLUMNS)
    )
    for records in _chunks(changes.new_records):
        values, params = _values(
            [
                (r.ticket_id, r.kind, _instant(r.started_at), r.escalated, *_record(r))
                for r in records
            ],
            ("bigint", "varchar", TIMESTAMP, "varchar", *record_types),
        )
        yield f'INSERT INTO "sla_record" ({new_names}) VALUES {values}', params
    yield from _update_from(
        "sla_record",
        "id",
        RECORD_COLUMNS,
        ("bigint", *record_types),
        [(r.pk, *_record(r)) for r in changes.changed_records],
    )
    for gone in _chunks(changes.gone_records):
        ids = ", ".join(["%s"] * len(gone))
        # The ORM's cascade, by hand: the escalations that fired on these records go too.
        yield f'DELETE FROM "sla_escalation" WHERE "record_id" IN ({ids})', [*gone]
        yield f'DELETE FROM "sla_record" WHERE "id" IN ({ids})', [*gone]


def _record(record: RecordRow) -> tuple[Any, ...]:
    return (
        record.policy_id,
        record.agent_id,
        _instant(record.due_at),
        _instant(record.risk_at),
        _instant(record.met_at),
        _instant(record.breached_at),
    )


def write(changes: Changes) -> None:
    """Send the writes: in one round trip on PostgreSQL with client-side binding, one
    statement at a time elsewhere (SQLite runs in this process: no round trips to save)."""
    batch = list(statements(changes))
    if not batch:
        return
    together = connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")
    with connection.cursor() as cursor:
        if together:
            cursor.execute("; ".join(sql for sql, _ in batch), [p for _, ps in batch for p in ps])
        else:
            for sql, params in batch:
                cursor.execute(sql, params)
