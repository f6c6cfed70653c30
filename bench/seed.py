"""Bulk seed: a million tickets in minutes through COPY into Django's own tables.

Small reference rows (departments, agents, organizations, tags, types, categories) go through the
ORM; customers, tickets, their tags, messages and the first history line stream through psycopg 3
`cursor.copy()`. Everything is generated from a fixed random seed, so two seeds of the same size
are identical. The size is recorded as a comment on the database, so a later run can reuse it.
"""

from __future__ import annotations

import json
import random
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from psycopg import sql

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
from relaydesk.tickets import tally
from relaydesk.tickets.models import (
    Category,
    Channel,
    Direction,
    EventKind,
    Message,
    MessageKind,
    Tag,
    Ticket,
    TicketEvent,
    TicketType,
)

DEPARTMENTS = ("Support", "Sales", "Billing")
BENCH_AGENT = "agent@bench.example"
MARKER = "relaydesk bench seed v2: {tickets} tickets"
SPAN = timedelta(days=3 * 365)
CHUNK = 8000

# Weighted choices as lookup tables of 100 entries: one random number picks a value.
# Live work sits in the newest tickets; a few old ones wait forever (pending, on hold).
RECENT_SHARE = 0.03
RECENT_STATUS_WEIGHTS = {
    "new": 12,
    "open": 28,
    "pending": 15,
    "on_hold": 5,
    "solved": 25,
    "closed": 15,
}
OLD_STATUS_WEIGHTS = {"pending": 2, "on_hold": 1, "solved": 2, "closed": 95}
PRIORITY_WEIGHTS = {1: 20, 2: 60, 3: 15, 4: 5}
CHANNEL_WEIGHTS = {
    "email": 50,
    "portal": 14,
    "web_form": 10,
    "chat": 10,
    "telegram": 4,
    "whatsapp": 4,
    "sms": 2,
    "phone": 6,
}
TAG_COUNT_WEIGHTS = {0: 40, 1: 35, 2: 18, 3: 7}

TOPICS = (
    "Cannot log in",
    "Invoice question",
    "Refund request",
    "Order not delivered",
    "Password reset",
    "Upgrade plan",
    "Bug report",
    "Feature request",
    "Account locked",
    "Wrong charge",
    "Shipping address change",
    "API error 500",
    "Export fails",
    "Slow dashboard",
    "Cancel subscription",
    "Two-factor setup",
    "Missing attachment",
    "Data import",
    "Contract renewal",
    "Discount for nonprofits",
)
OBJECTS = (
    "on mobile",
    "since yesterday",
    "for our team",
    "after the update",
    "in the portal",
    "with the new card",
    "for order 4471",
    "on the EU server",
    "again",
    "urgent please",
)
PARAGRAPHS = (
    "Hello, I have been trying to sort this out since this morning and nothing seems to work.",
    "Could you please have a look at our account and tell me what is going on?",
    "We followed the steps from the knowledge base article but the problem is still there.",
    "Thanks for the quick answer. I tried it and it works now, but only on one computer.",
    "I attached a screenshot of the error message. It appears right after I press save.",
    "Our finance team needs the corrected invoice before the end of the month.",
    "Please call me back at your convenience, the number is in my profile.",
    "We have about forty people affected, so this is quite important for us.",
    "Thank you for your patience. I have forwarded this to the engineering team.",
    "I have applied the change on our side; please try again and let me know.",
)


def _table(weights: dict) -> list:
    total = sum(weights.values())
    return [v for v, w in weights.items() for _ in range(w * 100 // total)]


@dataclass(frozen=True)
class Plan:
    tickets: int
    messages: int = 3
    agents: int = 30
    customers: int = 50_000
    organizations: int = 200
    tags: int = 300
    long_tickets: int = 20
    long_messages: int = 20
    seed: int = 20261122

    @property
    def marker(self) -> str:
        return MARKER.format(tickets=self.tickets)

    def long_ticket_ids(self) -> list[int]:
        """Evenly spread tickets that get a 20-message conversation, all in Support."""
        step = max(self.tickets // self.long_tickets, 1)
        return [1 + k * step for k in range(min(self.long_tickets, self.tickets))]


def recorded_marker() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row[0] if row else None) or ""


def _record_marker(plan: Plan) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), sql.Literal(plan.marker)
            )
        )


def _copy(model: type[models.Model], fields: Sequence[str], lines: Iterable[str]) -> int:
    """Stream tab-separated lines (already COPY-escaped) into the model's table."""
    opts = model._meta
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(opts.db_table),
        sql.SQL(", ").join(sql.Identifier(opts.get_field(f).column) for f in fields),
    )
    count = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        buffer: list[str] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) == CHUNK:
                copy.write("".join(buffer))
                count += CHUNK
                buffer.clear()
        copy.write("".join(buffer))
        count += len(buffer)
    return count


def _ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


class Seeder:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rnd = random.Random(plan.seed)
        # The newest conversation (20 messages up to 20 hours apart) still ends in the past.
        self.end = time.time() - 17 * 86400
        self.start = self.end - SPAN.total_seconds()

    # Reference rows -------------------------------------------------------------------
    def reference_rows(self) -> None:
        plan, rnd = self.plan, self.rnd
        self.departments = [
            Department.objects.create(name=name, email=f"{name.lower()}@bench.example")
            for name in DEPARTMENTS
        ]
        unusable = make_password(None)
        agents = [
            User(
                email=BENCH_AGENT if n == 0 else f"agent{n}@bench.example",
                name=f"Agent {n}",
                role=Role.AGENT,
                password=unusable,
            )
            for n in range(plan.agents)
        ]
        User.objects.bulk_create(agents)
        # Agent n works in department n % 3; the bench agent (n = 0) is in Support.
        self.agents_by_department: list[list[int]] = [[] for _ in DEPARTMENTS]
        memberships = []
        for n, agent in enumerate(agents):
            department = n % len(DEPARTMENTS)
            self.agents_by_department[department].append(agent.pk)
            memberships.append(
                Membership(user=agent, department=self.departments[department], access=Access.FULL)
            )
        Membership.objects.bulk_create(memberships)
        self.all_agents = [a.pk for a in agents]
        organizations = Organization.objects.bulk_create(
            Organization(name=f"Company {n}", domains=f"company{n}.example")
            for n in range(plan.organizations)
        )
        self.organization_ids = [o.pk for o in organizations]
        Tag.objects.bulk_create(Tag(name=f"tag-{n}") for n in range(plan.tags))
        self.tag_ids = list(Tag.objects.values_list("pk", flat=True))
        types = TicketType.objects.bulk_create(
            TicketType(name=n) for n in ("Question", "Incident", "Problem", "Task")
        )
        self.type_ids = [t.pk for t in types]
        roots = Category.objects.bulk_create(
            Category(name=n) for n in ("Account", "Billing", "Orders", "Product")
        )
        children = Category.objects.bulk_create(
            Category(name=f"{root.name} {n}", parent=root) for root in roots for n in range(3)
        )
        self.category_ids = [c.pk for c in children]
        self.unusable = unusable
        self.first_customer = (User.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self.customer_org = array(
            "l",
            (
                rnd.choice(self.organization_ids) if rnd.random() < 0.6 else 0
                for _ in range(plan.customers)
            ),
        )

    # Streams ----------------------------------------------------------------------------
    def customer_lines(self) -> Iterator[str]:
        joined = _ts(self.start - 86400)
        for n in range(self.plan.customers):
            org = self.customer_org[n]
            yield (
                f"{self.first_customer + n}\t{self.unusable}\tf\tcustomer{n}@customers.example\t"
                f"Customer {n}\tcustomer\t{org or '\\N'}\t\t\ten\tUTC\tt\t{joined}\n"
            )

    def _created(self, i: int) -> float:
        return self.start + (i - 1) * SPAN.total_seconds() / self.plan.tickets + i * 7919 % 600

    @staticmethod
    def _gap(i: int) -> int:
        return 1800 * (1 + i * 104729 % 40)

    def ticket_lines(self) -> Iterator[str]:
        plan, rnd = self.plan, self.rnd
        recent, old = _table(RECENT_STATUS_WEIGHTS), _table(OLD_STATUS_WEIGHTS)
        first_recent = plan.tickets * (1 - RECENT_SHARE)
        priorities = _table(PRIORITY_WEIGHTS)
        channels, offset = _table(CHANNEL_WEIGHTS), settings.TICKET_NUMBER_OFFSET
        long_ids = set(plan.long_ticket_ids())
        n = plan.tickets + 1
        self.requester, self.assignee = array("l", bytes(8 * n)), array("l", bytes(8 * n))
        self.channel = [""] * n
        for i in range(1, n):
            customer = int(plan.customers * rnd.random() ** 2)
            requester = self.first_customer + customer
            org = self.customer_org[customer]
            statuses = recent if i > first_recent else old
            status = statuses[int(rnd.random() * len(statuses))]
            department: int | None = int(rnd.random() * 3) if rnd.random() < 0.95 else None
            if i in long_ids:
                department, status = 0, "open"
            if department is None or (status == "new" and rnd.random() < 0.7):
                assignee = 0
            else:
                assignee = rnd.choice(self.agents_by_department[department])
            channel = channels[int(rnd.random() * len(channels))]
            created = self._created(i)
            messages = plan.long_messages if i in long_ids else plan.messages
            updated = created + (messages - 1) * self._gap(i)
            solved = _ts(updated) if status in ("solved", "closed") else "\\N"
            responded = _ts(created + self._gap(i)) if status != "new" else "\\N"
            priority = priorities[int(rnd.random() * len(priorities))]
            subject = f"{rnd.choice(TOPICS)} {rnd.choice(OBJECTS)}"
            self.requester[i], self.assignee[i], self.channel[i] = requester, assignee, channel
            dept_id = self.departments[department].pk if department is not None else "\\N"
            yield (
                f"{i}\t{offset + i}\t{subject}\t{requester}\t{org or '\\N'}\t{dept_id}\t"
                f"{assignee or '\\N'}\t{status}\t{priority}\t"
                f"{rnd.choice(self.type_ids)}\t"
                f"{rnd.choice(self.category_ids) if rnd.random() < 0.7 else '\\N'}\t"
                f"{channel}\t{{}}\ten\t{responded}\t{solved}\t{_ts(created)}\t{_ts(updated)}\t"
                f"{_ts(updated)}\n"  # the status last changed with the last message
            )

    def tag_lines(self) -> Iterator[str]:
        rnd, counts, tags = self.rnd, _table(TAG_COUNT_WEIGHTS), self.tag_ids
        for i in range(1, self.plan.tickets + 1):
            chosen = {
                tags[int(len(tags) * rnd.random() ** 2)]
                for _ in range(counts[int(rnd.random() * len(counts))])
            }
            for tag in chosen:
                yield f"{i}\t{tag}\n"

    def message_lines(self) -> Iterator[str]:
        plan, rnd = self.plan, self.rnd
        long_ids = set(plan.long_ticket_ids())
        for i in range(1, plan.tickets + 1):
            created, gap = self._created(i), self._gap(i)
            requester, channel = self.requester[i], self.channel[i]
            agent = self.assignee[i] or self.all_agents[i % len(self.all_agents)]
            for j in range(plan.long_messages if i in long_ids else plan.messages):
                body = f"{rnd.choice(PARAGRAPHS)}\\n\\n{rnd.choice(PARAGRAPHS)}"
                if j % 2 == 0 and (j == 0 or rnd.random() < 0.8):
                    author, kind, chan, direction = requester, "customer", channel, "in"
                else:
                    note = j % 2 == 0
                    author, chan = agent, Channel.PORTAL.value
                    kind = (MessageKind.NOTE if note else MessageKind.REPLY).value
                    direction = (Direction.INTERNAL if note else Direction.OUTBOUND).value
                email = channel == Channel.EMAIL.value and kind == "customer"
                html = f"<p>{body.replace('\\n\\n', '</p><p>')}</p>" if email else ""
                message_id = f"<{i}.{j}@customers.example>" if email else ""
                yield (
                    f"{i}\t{author}\t{kind}\t{chan}\t{direction}\t{body}\t{html}\t{message_id}\t"
                    f"{{}}\t{_ts(created + j * gap)}\n"
                )

    def event_lines(self) -> Iterator[str]:
        for i in range(1, self.plan.tickets + 1):
            after = json.dumps({"channel": self.channel[i], "subject": "seeded"})
            created = _ts(self._created(i))
            yield f"{i}\t{self.requester[i]}\t{EventKind.CREATED.value}\t\t{after}\t\t{created}\n"


def _step(
    label: str, model: type[models.Model], fields: Sequence[str], lines: Iterable[str]
) -> None:
    began = time.perf_counter()
    rows = _copy(model, fields, lines)
    print(f"  {label:<16} {rows:>11,} rows  {time.perf_counter() - began:7.1f} s", flush=True)


def run(plan: Plan) -> float:
    """Seed an empty, migrated database; return the seconds it took."""
    began = time.perf_counter()
    print(f"Seeding {plan.tickets:,} tickets × {plan.messages} messages …", flush=True)
    seeder = Seeder(plan)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        seeder.reference_rows()
        user_fields = (
            "id",
            "password",
            "is_superuser",
            "email",
            "name",
            "role",
            "organization",
            "phone",
            "notes",
            "language",
            "timezone",
            "is_active",
            "date_joined",
        )
        _step("customers", User, user_fields, seeder.customer_lines())
        ticket_fields = (
            "id",
            "number",
            "subject",
            "requester",
            "organization",
            "department",
            "assignee",
            "status",
            "priority",
            "type",
            "category",
            "channel",
            "custom_fields",
            "language",
            "first_responded_at",
            "solved_at",
            "created_at",
            "updated_at",
            "status_changed_at",
        )
        tally.drop(connection)  # recounted once below, not upserted per row
        _step("tickets", Ticket, ticket_fields, seeder.ticket_lines())
        tally.ensure(connection)
        _step("ticket tags", Ticket.tags.through, ("ticket", "tag"), seeder.tag_lines())
        message_fields = (
            "ticket",
            "author",
            "kind",
            "channel",
            "direction",
            "body_text",
            "body_html",
            "message_id",
            "headers",
            "created_at",
        )
        _step("messages", Message, message_fields, seeder.message_lines())
        event_fields = ("ticket", "actor", "kind", "field", "after", "note", "created_at")
        _step("history", TicketEvent, event_fields, seeder.event_lines())
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [User, Ticket]):
                cursor.execute(statement)
        _record_marker(plan)
    vacuum_began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"  {'VACUUM ANALYZE':<16} {'':>16} {time.perf_counter() - vacuum_began:7.1f} s")
    return time.perf_counter() - began


def delete_extra_tickets(plan: Plan) -> None:
    """Drop tickets that earlier measurements created, so the seed stays as it was."""
    Ticket.objects.filter(pk__gt=plan.tickets).delete()
