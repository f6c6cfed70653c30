"""Builds the demo workspace through the service layer, so its history is real.

Everything runs in one transaction with a fixed random seed: the same workspace every time.
Afterwards the timestamps are spread over the last 60 days with queryset updates — seeding is
the one place allowed to rewrite history rows, because the service layer stamps "now".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
from relaydesk.automation.hooks import suspended
from relaydesk.demo import people
from relaydesk.demo import satisfaction as demo_satisfaction
from relaydesk.demo.automation import seed_automation
from relaydesk.demo.contacts import load_contacts
from relaydesk.demo.kb import load_kb
from relaydesk.demo.scripts import SCENARIOS, SCRIPTS, TRANSFER_NOTES, Scenario
from relaydesk.demo.sla import configure_sla
from relaydesk.demo.views import load_views
from relaydesk.demo.webform import load_webform
from relaydesk.mail.demo import load_mail_demo
from relaydesk.notifications.receivers import suspended as notifications_suspended
from relaydesk.sla import engine
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomField,
    CustomStatus,
    FieldKind,
    Message,
    Priority,
    StatusCategory,
    Ticket,
    TicketEvent,
    TicketType,
)

SEED = 2026
TICKETS = 300
DAYS = 60
STATUS_COUNTS = {
    StatusCategory.NEW: 40,
    StatusCategory.OPEN: 70,
    StatusCategory.PENDING: 45,
    StatusCategory.ON_HOLD: 30,
    StatusCategory.SOLVED: 60,
    StatusCategory.CLOSED: 55,
}
PRIORITY_WEIGHTS = {Priority.LOW: 3, Priority.NORMAL: 6, Priority.HIGH: 3, Priority.URGENT: 1}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 10,
    Channel.PORTAL: 6,
    Channel.WEB_FORM: 3,
    Channel.CHAT: 4,
    Channel.TELEGRAM: 3,
    Channel.WHATSAPP: 3,
    Channel.SMS: 1,
    Channel.PHONE: 3,
    Channel.IN_PERSON: 1,
    Channel.API: 1,
    Channel.INTERNAL: 1,
}
# Channels where an agent writes the ticket down for the customer (CH8).
AGENT_CHANNELS = {Channel.PHONE, Channel.IN_PERSON, Channel.INTERNAL}
EMAIL_DOMAINS = ("example.com", "example.org")
PRODUCTS = ["P300 printer", "R5 router", "Cloud Business"]
CUSTOM_STATUS = ("Waiting for parts", StatusCategory.ON_HOLD)
# Time from the previous step of a conversation to the next one, in minutes.
STEP_MINUTES = (5, 600)
# Where the first message of a ticket in each status falls, in days before now.
START_DAYS = {
    StatusCategory.NEW: (0, 5),
    StatusCategory.OPEN: (0, 12),
    StatusCategory.PENDING: (1, 25),
    StatusCategory.ON_HOLD: (3, 40),
    StatusCategory.SOLVED: (3, DAYS),
    StatusCategory.CLOSED: (10, DAYS),
}


DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


class WorkspaceNotEmpty(Exception):
    """The demo loads only into a database without users and tickets."""


@dataclass
class Summary:
    departments: int = 0
    agents: int = 0
    customers: int = 0
    organizations: int = 0
    tickets: int = 0
    messages: int = 0


def workspace_is_empty() -> bool:
    return not (User.objects.exists() or Ticket.objects.exists())


def spread[T](rng: random.Random, weights: dict[T, int], count: int) -> list[T]:
    """`count` values drawn by weight, each value at least once, in random order."""
    values = list(weights)
    values += rng.choices(values, weights=list(weights.values()), k=count - len(values))
    rng.shuffle(values)
    return values


LAST_IDS_SQL = (
    f"SELECT (SELECT MAX(id) FROM {TicketEvent._meta.db_table}),"  # noqa: S608 (model names)
    f" (SELECT MAX(id) FROM {Message._meta.db_table})"
)


@dataclass
class Timeline:
    """Which rows each seeding step wrote (ids grow within the transaction) and when that step
    should appear to have happened."""

    steps: list[tuple[int, int, datetime]] = field(default_factory=list)

    def mark(self, when: datetime) -> None:
        with connection.cursor() as cursor:
            cursor.execute(LAST_IDS_SQL)
            last_event, last_message = cursor.fetchone()
        self.steps.append((last_event or 0, last_message or 0, when))

    def apply(self) -> None:
        # Seeding only: history rows are otherwise immutable.
        done_event = done_message = 0
        for last_event, last_message, when in self.steps:
            if last_event > done_event:
                TicketEvent.objects.filter(id__gt=done_event, id__lte=last_event).update(
                    created_at=when
                )
            if last_message > done_message:
                Message.objects.filter(id__gt=done_message, id__lte=last_message).update(
                    created_at=when
                )
            done_event, done_message = last_event, last_message


@dataclass
class Catalog:
    departments: dict[str, Department]
    full_members: dict[str, list[User]]
    supervisor: User
    customers: list[User]
    types: dict[str, TicketType]
    categories: dict[tuple[str, str], Category]
    custom_status: CustomStatus


def load_demo() -> Summary:
    """Create the whole workspace. Raises `WorkspaceNotEmpty` if users or tickets exist."""
    # Side effects queued after commit are not wanted for seeded history: replies would mail
    # the (fictional) requesters, and nobody watches the live broadcasts. While seeding, tasks
    # go to Django's in-memory dummy backend and there is no channel layer.
    with override_settings(TASKS=DUMMY_TASKS, CHANNEL_LAYERS={}), transaction.atomic():
        if not workspace_is_empty():
            raise WorkspaceNotEmpty
        rng = random.Random(SEED)
        catalog = Catalog(*_people(rng), *_configuration())
        configure_sla(catalog.supervisor)
        timeline = Timeline()
        statuses = [s for s, n in STATUS_COUNTS.items() for _ in range(n)]
        rng.shuffle(statuses)
        priorities = spread(rng, PRIORITY_WEIGHTS, TICKETS)
        channels = spread(rng, CHANNEL_WEIGHTS, TICKETS)
        with suspended(), notifications_suspended():  # seeded history is not acted on again
            for index in range(TICKETS):
                _ticket(
                    rng,
                    catalog,
                    timeline,
                    index=index,
                    status=statuses[index],
                    priority=priorities[index],
                    channel=channels[index],
                )
        timeline.apply()
        # Due times and SLA records from the history as it now reads.
        engine.recompute_all(Ticket.objects.all())
        load_kb(rng)
        load_webform(catalog.departments["Support"])
        seed_automation(User.objects.get(email=people.STAFF[0].email))
        load_mail_demo(agent=User.objects.get(email=people.STAFF[1].email))
        load_views(catalog.supervisor)
        load_contacts()
    return Summary(
        departments=Department.objects.count(),
        agents=User.objects.exclude(role=Role.CUSTOMER).count(),
        customers=User.objects.filter(role=Role.CUSTOMER).count(),
        organizations=Organization.objects.count(),
        tickets=Ticket.objects.count(),
        messages=Message.objects.count(),
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) of the demo's sign-ins whose accounts exist."""
    admin, agent, *others = people.STAFF
    logins = [
        *((s.role, s.email, s.password) for s in (admin, agent)),
        (Role.CUSTOMER, *people.CUSTOMER_LOGIN),
        *((s.role, s.email, s.password) for s in others),
    ]
    existing = set(
        User.objects.filter(email__in=[e for _, e, _ in logins]).values_list("email", flat=True)
    )
    return [login for login in logins if login[1] in existing]


def _people(
    rng: random.Random,
) -> tuple[dict[str, Department], dict[str, list[User]], User, list[User]]:
    departments = {
        name: Department.objects.create(name=name, email=email)
        for name, email in people.DEPARTMENTS.items()
    }
    # Hashing is the slow part: one hash per distinct password; the other customers get an
    # unusable password (they would sign in by a link).
    hashes = {raw: make_password(raw) for raw in {s.password for s in people.STAFF}}
    customer_email, customer_password = people.CUSTOMER_LOGIN
    hashes[customer_password] = make_password(customer_password)
    staff = User.objects.bulk_create(
        User(
            email=person.email,
            name=person.name,
            role=person.role,
            is_superuser=person.role == Role.ADMIN,
            timezone="Europe/London",
            password=hashes[person.password],
        )
        for person in people.STAFF
    )
    full_members: dict[str, list[User]] = {name: [] for name in departments}
    for member, user in zip(people.STAFF, staff, strict=True):
        for department, access in member.memberships:
            Membership.objects.create(user=user, department=departments[department], access=access)
            if access == Access.FULL:
                full_members[department].append(user)

    organizations = {
        name: Organization.objects.create(name=name, domains=domains)
        for name, domains in people.ORGANIZATIONS.items()
    }
    customers: list[User] = []
    for number, person in enumerate(people.CUSTOMERS):
        organization = organizations.get(person.organization)
        domain = organization.domains.split(",")[0] if organization else EMAIL_DOMAINS[number % 2]
        email = f"{person.local}@{domain}"
        customers.append(
            User(
                email=email,
                name=person.name,
                role=Role.CUSTOMER,
                organization=organization,
                language=person.language,
                timezone=person.timezone,
                phone=f"{people.PHONE_PREFIXES[person.language]} {rng.randint(100, 999)}",
                password=hashes[customer_password]
                if email == customer_email
                else make_password(None),
            )
        )
    customers = User.objects.bulk_create(customers)
    supervisor = next(u for u in staff if u.role == Role.SUPERVISOR)
    return departments, full_members, supervisor, customers


def _configuration() -> tuple[dict[str, TicketType], dict[tuple[str, str], Category], CustomStatus]:
    types: dict[str, TicketType] = {}
    categories: dict[tuple[str, str], Category] = {}
    for scenario in SCENARIOS:
        if scenario.ticket_type not in types:
            types[scenario.ticket_type] = TicketType.objects.create(name=scenario.ticket_type)
        parent_name, child_name = scenario.category
        parent, _ = Category.objects.get_or_create(name=parent_name, parent=None)
        categories[scenario.category] = Category.objects.create(name=child_name, parent=parent)
    TicketType.objects.get_or_create(name="Feature request")
    name, category = CUSTOM_STATUS
    custom_status = CustomStatus.objects.create(name=name, category=category)
    CustomField.objects.bulk_create(
        [
            CustomField(
                key="order_number",
                label="Order number",
                kind=FieldKind.TEXT,
                customer_visible=True,
                position=1,
            ),
            CustomField(key="amount", label="Amount (EUR)", kind=FieldKind.NUMBER, position=2),
            CustomField(
                key="purchase_date", label="Purchase date", kind=FieldKind.DATE, position=3
            ),
            CustomField(
                key="product",
                label="Product",
                kind=FieldKind.DROPDOWN,
                options=PRODUCTS,
                customer_visible=True,
                position=4,
            ),
            CustomField(
                key="warranty", label="Under warranty", kind=FieldKind.CHECKBOX, position=5
            ),
        ]
    )
    return types, categories, custom_status


def _custom_fields(rng: random.Random, scenario: Scenario, start: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if scenario.product:
        values["product"] = scenario.product
    if scenario.key in {"delivery", "refund", "invoice"}:
        values["order_number"] = f"SO-{rng.randint(20000, 89999)}"
    if scenario.key in {"refund", "invoice"}:
        values["amount"] = rng.choice([49, 129.9, 240, 389.5, 1250, 2399])
    if scenario.key in {"printer", "refund", "delivery"}:
        bought: date = (start - timedelta(days=rng.randint(12, 700))).date()
        values["purchase_date"] = bought.isoformat()
    if scenario.key == "printer":
        values["warranty"] = rng.random() < 0.7
    return values


def _ticket(
    rng: random.Random,
    catalog: Catalog,
    timeline: Timeline,
    *,
    index: int,
    status: str,
    priority: int,
    channel: str,
) -> None:
    # The fixed customer login gets a handful of requests; the others are picked at random.
    customers = catalog.customers
    customer = customers[0] if index % 50 == 0 else rng.choice(customers[1:])
    scenario = rng.choice(SCENARIOS)
    script = SCRIPTS[customer.language][scenario.key]
    department = catalog.departments[scenario.department]
    assignee = rng.choice(catalog.full_members[scenario.department])
    transferred = status != StatusCategory.NEW and index % 9 == 4
    first_department: Department | None = department
    if transferred:
        first_department = next(d for d in catalog.departments.values() if d != department)
    elif status == StatusCategory.NEW and index % 5 == 0:
        first_department = None  # not routed yet
    creator = customer
    if channel in AGENT_CHANNELS:
        creator = catalog.supervisor if first_department != department else assignee

    low, high = START_DAYS[StatusCategory(status)]
    now = timezone.now()
    when = now - timedelta(minutes=rng.randint(low * 24 * 60 + 30, high * 24 * 60))

    def later() -> datetime:
        nonlocal when
        when = min(when + timedelta(minutes=rng.randint(*STEP_MINUTES)), now)
        return when

    def say(text: str) -> services.Body:
        return services.Body(text.format(customer=customer.first_name, agent=assignee.first_name))

    tags = [
        *scenario.tags,
        *(["vip"] if customer.organization_id and index % 4 == 0 else []),
        *(["urgent-follow-up"] if priority == Priority.URGENT else []),
        *(["escalated"] if transferred else []),
    ]
    ticket = services.create_ticket(
        actor=creator,
        requester=customer,
        subject=script.subject,
        body=say(script.opening),
        channel=channel,
        department=first_department,
        priority=priority,
        ticket_type=catalog.types[scenario.ticket_type],
        category=catalog.categories[scenario.category],
        tags=tags,
        language=customer.language,
    )
    start = when
    timeline.mark(when)
    times: dict[str, datetime] = {"created_at": start}
    if status == StatusCategory.NEW:
        Ticket.objects.filter(pk=ticket.pk).update(
            updated_at=start, status_changed_at=start, **times
        )
        return

    if transferred:
        services.transfer(
            ticket,
            actor=catalog.supervisor,
            department=department,
            assignee=assignee,
            note=TRANSFER_NOTES[customer.language],
        )
        timeline.mark(later())
    services.update_ticket(
        ticket,
        actor=assignee,
        assignee=assignee,
        custom_fields=_custom_fields(rng, scenario, start),
    )
    timeline.mark(later())

    services.add_message(
        ticket,
        actor=assignee,
        body=say(script.reply),
        status=StatusCategory.PENDING if status == StatusCategory.PENDING else None,
    )
    times["first_responded_at"] = later()
    timeline.mark(when)
    for step in _conversation_after_reply(status, rng):
        if step == "note":
            services.add_message(ticket, actor=assignee, body=say(script.note), internal=True)
        elif step == "answer":
            services.add_message(ticket, actor=customer, body=say(script.answer))
        elif step == "hold":
            custom = f"custom:{catalog.custom_status.pk}"
            hold = custom if index % 2 == 0 else StatusCategory.ON_HOLD
            services.update_ticket(ticket, actor=assignee, status=hold)
        elif step == "solve":
            services.add_message(
                ticket, actor=assignee, body=say(script.closing), status=StatusCategory.SOLVED
            )
        elif step == "close":
            services.update_ticket(ticket, actor=assignee, status=StatusCategory.CLOSED)
        timeline.mark(later())
        if step == "solve":
            times["solved_at"] = when
            if index % 3:
                demo_satisfaction.rate(rng, ticket, customer)
                timeline.mark(later())
    # The last step of the conversation is the last status change too (near enough for the
    # time rules, which now see the story's age rather than the seeding's).
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=when, status_changed_at=when, **times)


def _conversation_after_reply(status: str, rng: random.Random) -> Sequence[str]:
    """What happens on a ticket after the agent's first reply, by the status it ends in."""
    note = ["note"] if rng.random() < 0.35 else []
    if status == StatusCategory.OPEN:
        return [*note, *(["answer"] if rng.random() < 0.6 else [])]
    if status == StatusCategory.ON_HOLD:
        return ["note", "hold"]
    if status in (StatusCategory.SOLVED, StatusCategory.CLOSED):
        closing = ["close"] if status == StatusCategory.CLOSED else []
        return [*note, "answer", "solve", *closing]
    return note
