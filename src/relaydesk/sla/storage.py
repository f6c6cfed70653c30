"""What a recompute reads and writes, in as few round trips as the database allows (issue 6).

A recompute reads its tickets' history, cycle records, clock states (and tags, when a policy
matches on tags) in one statement, a UNION ALL of the four, and sends the rows that differ in
one statement per table: on PostgreSQL those statements travel together in one round trip
(client-side binding, Django's default with psycopg 3, lets one execute carry several). The
same SQL serves one ticket (a service action, the hot path) and a batch of 2,000 (a calendar
change). It is plain text: for one ticket, the ORM's query building cost more CPU than the
database spent on the queries; and its text is made once per shape (how many rows of what)
and kept, as are the value converters, so a recompute of one ticket only fills in values.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
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
    if not steps:
        return _same

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, expression, connection)
        return value

    return convert


def _same(value: Any) -> Any:
    return value


@functools.cache
def _converters(vendor: str) -> tuple[Callable[[Any], Any], ...]:
    """The instant, JSON and flag converters of a database (worked out once: a recompute of
    one ticket is a service action's hot path)."""
    return (
        _converter(TicketEvent._meta.get_field("created_at")),
        _converter(TicketEvent._meta.get_field("after")),
        _converter(TicketSla._meta.get_field("paused")),
    )


@functools.lru_cache(maxsize=16)
def _read_sql(count: int, tags: bool) -> tuple[str, int]:
    """The read of `count` tickets, and how many times its parameters repeat the ids."""
    ids = ", ".join(["%s"] * count)
    parts = [_EVENTS, _RECORDS, _STATES, *([_TAGS] if tags else [])]
    return "\nUNION ALL".join(part.format(ids=ids) for part in parts) + _ORDER, len(parts)


def read(ticket_ids: Sequence[int], *, tags: bool) -> Stored:
    """Everything a recompute of these tickets reads, in one statement."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, parts = _read_sql(len(ticket_ids), tags)
    stored = Stored(
        events={pk: [] for pk in ticket_ids},
        tags={},
        records={},
        states={},
    )
    instant, json, flag = _converters(db.vendor)
    tag_ids: dict[int, set[int]] = {}
    with db.cursor() as cursor:
        cursor.execute(sql, list(ticket_ids) * parts)
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


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in columns)


@functools.lru_cache(maxsize=64)
def _values(count: int, types: tuple[str, ...], typed: bool) -> str:
    """A VALUES list of `count` rows; PostgreSQL (`typed`) is told each column's type in the
    first row (a column of NULLs would be text), SQLite needs no types (and would convert the
    values). Cached: the same shapes come back (one ticket, a full batch)."""
    first = ", ".join(f"CAST(%s AS {kind})" if typed else "%s" for kind in types)
    other = ", ".join(["%s"] * len(types))
    return ", ".join([f"({first})", *[f"({other})"] * (count - 1)])


def _flat(rows: Sequence[Sequence[Any]]) -> list[Any]:
    return [value for row in rows for value in row]


Statement = tuple[str, list[Any]]
STATE_TYPES = ("bigint", "bigint", "boolean", TIMESTAMP, TIMESTAMP, "varchar", TIMESTAMP)
RECORD_TYPES = ("bigint", "bigint", TIMESTAMP, TIMESTAMP, TIMESTAMP, TIMESTAMP)
DUE_TYPES = ("bigint", TIMESTAMP, TIMESTAMP, TIMESTAMP)
NEW_TYPES = ("bigint", "varchar", TIMESTAMP, "varchar", *RECORD_TYPES)
CHANGED_TYPES = ("bigint", *RECORD_TYPES)
NEW_RECORD_COLUMNS = ("ticket_id", "kind", "started_at", "escalated", *RECORD_COLUMNS)
_UPSERT_STATES = (
    f'INSERT INTO "sla_ticketsla" ({_names(("ticket_id", *STATE_COLUMNS))}) VALUES {{values}} '
    'ON CONFLICT ("ticket_id") DO UPDATE SET '
    + ", ".join(f'"{name}" = excluded."{name}"' for name in STATE_COLUMNS)
)
_INSERT_RECORDS = f'INSERT INTO "sla_record" ({_names(NEW_RECORD_COLUMNS)}) VALUES {{values}}'


@functools.lru_cache(maxsize=64)
def _update_sql(
    table: str, key: str, columns: tuple[str, ...], types: tuple[str, ...], count: int, typed: bool
) -> str:
    """One row: a plain `UPDATE … WHERE` (its parameters: the values, then the key), which
    PostgreSQL plans in half the time of a join; more: `UPDATE … FROM (VALUES …)`, each row
    with its own values, in one statement."""
    if count == 1:
        assignments = ", ".join(f'"{name}" = %s' for name in columns)
        return f'UPDATE "{table}" SET {assignments} WHERE "{key}" = %s'
    assignments = ", ".join(f'"{name}" = "v"."{name}"' for name in columns)
    return (
        f'WITH "v" ({_names((key, *columns))}) AS (VALUES {_values(count, types, typed)}) '
        f'UPDATE "{table}" SET {assignments} FROM "v" WHERE "{table}"."{key}" = "v"."{key}"'
    )


def _update(
    table: str,
    columns: tuple[str, ...],
    types: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    typed: bool,
) -> Statement:
    """The update of these rows of a table by id, each row (id, *values)."""
    sql = _update_sql(table, "id", columns, types, len(rows), typed)
    if len(rows) == 1:
        key, *values = rows[0]
        return sql, [*values, key]
    return sql, _flat(rows)


def statements(changes: Changes, db: BaseDatabaseWrapper) -> Iterator[Statement]:
    """The writes, the clock state first."""
    typed = db.vendor == "postgresql"
    instant = db.ops.adapt_datetimefield_value

    def record(r: RecordRow) -> tuple[Any, ...]:
        return (
            r.policy_id,
            r.agent_id,
            instant(r.due_at),
            instant(r.risk_at),
            instant(r.met_at),
            instant(r.breached_at),
        )

    for states in _chunks(changes.states):
        rows: list[tuple[Any, ...]] = [
            (pk, policy, paused, instant(due), instant(risk), kind, instant(timer))
            for pk, (policy, paused, due, risk, kind, timer) in states
        ]
        yield _UPSERT_STATES.format(values=_values(len(rows), STATE_TYPES, typed)), _flat(rows)
    for dues in _chunks(changes.dues):
        rows = [(pk, *(instant(due) for due in due_ats)) for pk, due_ats in dues]
        yield _update("tickets_ticket", DUE_COLUMNS, DUE_TYPES, rows, typed)
    for records in _chunks(changes.new_records):
        rows = [
            (r.ticket_id, r.kind, instant(r.started_at), r.escalated, *record(r)) for r in records
        ]
        yield _INSERT_RECORDS.format(values=_values(len(rows), NEW_TYPES, typed)), _flat(rows)
    for records in _chunks(changes.changed_records):
        rows = [(r.pk, *record(r)) for r in records]
        yield _update("sla_record", RECORD_COLUMNS, CHANGED_TYPES, rows, typed)
    for gone in _chunks(changes.gone_records):
        ids = ", ".join(["%s"] * len(gone))
        # The ORM's cascade, by hand: the escalations that fired on these records go too.
        yield f'DELETE FROM "sla_escalation" WHERE "record_id" IN ({ids})', [*gone]
        yield f'DELETE FROM "sla_record" WHERE "id" IN ({ids})', [*gone]


def write(changes: Changes) -> None:
    """Send the writes: in one round trip on PostgreSQL with client-side binding, one
    statement at a time elsewhere (SQLite runs in this process: no round trips to save)."""
    db = connections[DEFAULT_DB_ALIAS]
    batch = list(statements(changes, db))
    if not batch:
        return
    together = db.vendor == "postgresql" and not db.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding"
    )
    with db.cursor() as cursor:
        if together:
            cursor.execute("; ".join(sql for sql, _ in batch), [p for _, ps in batch for p in ps])
        else:
            for sql, params in batch:
                cursor.execute(sql, params)
