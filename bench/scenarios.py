"""What is measured: desk pages through Django's test client, and ticket creation through the
service layer. Every page is requested as the bench agent (an agent in Support), so the
visibility rules apply as they do for a real agent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

from django.conf import settings
from django.test import Client, override_settings

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
from relaydesk.tickets.visibility import visible_tickets

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
