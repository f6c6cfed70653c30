"""What is measured: desk pages through Django's test client, and ticket creation through the
service layer. Every page is requested as the bench agent (an agent in Support), so the
visibility rules apply as they do for a real agent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

from django.conf import settings
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from bench.measure import Figure, sample
from bench.seed import BENCH_AGENT, DEPARTMENTS, Plan
from relaydesk.accounts.models import Department, Role, User
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    GROUP_STATUSES,
    Channel,
    Priority,
    StatusCategory,
    StatusGroup,
    ticket_number,
)
from relaydesk.tickets.visibility import visible_messages, visible_tickets

LIST_TARGET_MS = 50.0
CREATE_TARGET_MS = 15.0
PAGE_SIZES = (25, 50, 100)  # 50 is the desk's default (TICKET_LIST_PAGE_SIZE)
FILTERS = (  # department, status, priority
    ("Support", StatusCategory.OPEN, Priority.HIGH),
    ("Support", StatusCategory.PENDING, Priority.NORMAL),
    ("Support", StatusCategory.NEW, Priority.URGENT),
)


@dataclass
class Context:
    plan: Plan
    samples: int
    warmup: int

    def __post_init__(self) -> None:
        self.agent = User.objects.get(email=BENCH_AGENT)
        self.departments = {d.name: d for d in Department.objects.filter(name__in=DEPARTMENTS)}
        self.long_numbers = [ticket_number(pk) for pk in self.plan.long_ticket_ids()]
        self.customers = list(
            User.objects.filter(role=Role.CUSTOMER)
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )

    def run(self, name: str, call: Callable[[int], object], target: float | None) -> Figure:
        figure = sample(name, call, samples=self.samples, warmup=self.warmup, target_ms=target)
        print(f"  {figure.name:<52} p95 {figure.p95_ms:7.1f} ms", flush=True)
        return figure


def desk_pages_work(ctx: Context) -> bool:
    """Are the desk's list and ticket page there and answering (they are being built)?"""
    client = Client(raise_request_exception=False)
    client.force_login(ctx.agent)
    try:
        resolve("/desk/")
        resolve(f"/desk/tickets/{ctx.long_numbers[0]}/")
    except Resolver404:
        return False
    pages = ("/desk/", f"/desk/tickets/{ctx.long_numbers[0]}/")
    logging.disable(logging.CRITICAL)  # a page under construction may fail loudly
    try:
        return all(client.get(url).status_code == 200 for url in pages)
    except Exception:
        return False
    finally:
        logging.disable(logging.NOTSET)


def deep_cursor(ctx: Context, group: str, depth: float = 0.9) -> str:
    """A keyset cursor `depth` of the way down a group of the agent's list, newest first."""
    from relaydesk.desk import listing

    tickets = visible_tickets(ctx.agent).filter(status__in=GROUP_STATUSES[group])
    row = tickets.order_by("-updated_at", "-id")[int(tickets.count() * depth)]
    row.sort_value = row.updated_at  # type: ignore[attr-defined]
    return listing.make_cursor("updated", row)


def page_figures(ctx: Context) -> list[Figure]:
    client = Client()
    client.force_login(ctx.agent)

    def get(url: str) -> Callable[[int], object]:
        def call(_: int) -> object:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        return call

    def rotate(urls: list[str]) -> Callable[[int], object]:
        calls = [get(u) for u in urls]
        return lambda k: calls[k % len(calls)](k)

    cursor = deep_cursor(ctx, StatusGroup.ACTIVE)
    closed_cursor = deep_cursor(ctx, StatusGroup.CLOSED)
    filtered = [
        f"/desk/?department={ctx.departments[d].pk}&status={s}&priority={p}" for d, s, p in FILTERS
    ]
    figures = []
    for size in PAGE_SIZES:
        with override_settings(TICKET_LIST_PAGE_SIZE=size):
            figures += [
                ctx.run(f"desk list, first page ({size}/page)", get("/desk/"), LIST_TARGET_MS),
                ctx.run(
                    f"desk list, deep page ~90% down ({size}/page)",
                    get(f"/desk/?after={cursor}"),
                    LIST_TARGET_MS,
                ),
                ctx.run(
                    f"list by department+status+priority ({size}/page)",
                    rotate(filtered),
                    LIST_TARGET_MS,
                ),
            ]
    figures.append(
        ctx.run(
            f"closed group, deep page ~90% down ({settings.TICKET_LIST_PAGE_SIZE}/page)",
            get(f"/desk/?group=closed&after={closed_cursor}"),
            LIST_TARGET_MS,
        )
    )
    figures.append(
        ctx.run(
            f"ticket page, {ctx.plan.long_messages} messages",
            rotate([f"/desk/tickets/{n}/" for n in ctx.long_numbers]),
            LIST_TARGET_MS,
        )
    )
    return figures


def orm_figures(ctx: Context) -> list[Figure]:
    """Without the desk's URLs: the queries its pages would run, through the visibility door."""
    support = ctx.departments["Support"]

    def listing_call(extra: Q, size: int, deep: bool) -> Callable[[int], object]:
        tickets = visible_tickets(ctx.agent).filter(extra).order_by("-updated_at", "-id")
        start = tickets[int(tickets.count() * 0.9)] if deep else None

        def call(_: int) -> object:
            rows = tickets
            if start is not None:  # the keyset condition, led by a range the index can use
                rows = rows.filter(updated_at__lte=start.updated_at).filter(
                    Q(updated_at__lt=start.updated_at) | Q(id__lt=start.pk)
                )
            related = ("requester", "assignee", "department")
            return list(rows.select_related(*related).prefetch_related("tags")[: size + 1])

        return call

    active = Q(status__in=(StatusCategory.NEW, StatusCategory.OPEN))
    figures = []
    for size in PAGE_SIZES:
        figures += [
            ctx.run(
                f"ORM list, first page ({size}/page)",
                listing_call(active, size, False),
                LIST_TARGET_MS,
            ),
            ctx.run(
                f"ORM list, deep page ~90% down ({size}/page)",
                listing_call(active, size, True),
                LIST_TARGET_MS,
            ),
            ctx.run(
                f"ORM list by department+status+priority ({size}/page)",
                listing_call(
                    Q(department=support, status=StatusCategory.OPEN, priority=Priority.HIGH),
                    size,
                    False,
                ),
                LIST_TARGET_MS,
            ),
        ]

    def ticket_call(k: int) -> object:
        ticket = services.get_visible_ticket(ctx.agent, ctx.long_numbers[k % len(ctx.long_numbers)])
        messages = visible_messages(ctx.agent).filter(ticket=ticket).select_related("author")
        return list(messages.prefetch_related("attachments")), list(ticket.events.all())

    figures.append(
        ctx.run(f"ORM ticket, {ctx.plan.long_messages} messages", ticket_call, LIST_TARGET_MS)
    )
    return figures


def create_figure(ctx: Context) -> Figure:
    support = ctx.departments["Support"]
    customers = {pk: User.objects.get(pk=pk) for pk in ctx.customers[:50]}
    numbers = count()

    def call(k: int) -> object:
        requester = customers[ctx.customers[k % len(customers)]]
        return services.create_ticket(
            actor=ctx.agent,
            requester=requester,
            subject=f"Phone call {next(numbers)}: printer does not print",
            body=services.Body(text="The customer called: the printer prints blank pages."),
            channel=Channel.PHONE,
            department=support,
            priority=Priority.HIGH,
            tags=("phone", "printer"),
        )

    return ctx.run("create ticket + first message (services)", call, CREATE_TARGET_MS)
