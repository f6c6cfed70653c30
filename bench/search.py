"""Search at scale (VI3): the desk's search page for a common word, a rare word, a phrase, an
email address and a ticket number, as the bench agent (visibility applies).

Registered in `bench/__main__.py`; runs alone too, on its own database seeded with five
messages per ticket (the issue's 1,000,000 tickets / 5,000,000 messages):

    python -m bench.search [--tickets N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # models import only after django.setup(): `main` runs this module alone
    from bench.measure import Figure
    from bench.scenarios import Context

SEARCH_TARGET_MS = 100.0
RARE_WORD = "xylophonic"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/relaydesk_bench_search"


def ensure_index() -> None:
    """Documents for every seeded ticket (a bulk seed bypasses the services)."""
    from django.db import connection
    from django.db.models import Max

    from relaydesk.search.indexer import rebuild
    from relaydesk.search.models import SearchDocument
    from relaydesk.tickets.models import Ticket

    last = Ticket.objects.aggregate(m=Max("pk"))["m"] or 0
    if SearchDocument.objects.filter(pk=last).exists():
        return
    began = time.perf_counter()
    done = rebuild()
    # The planner needs the new rows' statistics; VACUUM also merges the GIN pending lists
    # (as autovacuum would), which every search reads otherwise.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchdocument")
    print(f"  search documents {done:>11,} rows  {time.perf_counter() - began:7.1f} s")


def _rare_tickets(ctx: Context) -> None:
    """A few tickets with a word nothing else has (removed with the other extra tickets)."""
    from bench.seed import DEPARTMENTS
    from relaydesk.tickets import services
    from relaydesk.tickets.models import Channel

    support = ctx.departments[DEPARTMENTS[0]]
    requester = ctx.agent.__class__.objects.get(pk=ctx.customers[0])
    for n in range(5):
        services.create_ticket(
            actor=ctx.agent,
            requester=requester,
            subject=f"Noise from the cabinet {n}",
            body=services.Body(f"It makes a {RARE_WORD} sound every hour."),
            channel=Channel.PHONE,
            department=support,
        )


def figures(ctx: Context) -> list[Figure]:
    from django.test import Client

    from relaydesk.tickets.models import ticket_number

    ensure_index()
    _rare_tickets(ctx)
    client = Client()
    client.force_login(ctx.agent)

    def get(params: dict[str, str], status: int = 200) -> Callable[[int], object]:
        def call(_: int) -> object:
            response = client.get("/desk/search/", params)
            if response.status_code != status:
                raise RuntimeError(f"search {params} answered {response.status_code}")
            return response

        return call

    def rotate(calls: list[Callable[[int], object]]) -> Callable[[int], object]:
        return lambda k: calls[k % len(calls)](k)

    emails = [f"customer{n}@customers.example" for n in (3, 70, 512, 4000, 20000)]
    numbers = [str(ticket_number(pk)) for pk in ctx.plan.long_ticket_ids()]
    cases = [
        ("search: common word, by relevance", get({"q": "please"})),
        ("search: common word, newest first", get({"q": "please", "sort": "date"})),
        ("search: rare word", get({"q": RARE_WORD})),
        ("search: phrase", get({"q": '"corrected invoice"'})),
        ("search: two words", get({"q": "refund mobile"})),
        ("search: email address", rotate([get({"q": e}) for e in emails])),
        ("search: ticket number (redirect)", rotate([get({"q": n}, 302) for n in numbers])),
    ]
    return [ctx.run(name, call, SEARCH_TARGET_MS) for name, call in cases]


def main() -> None:
    from bench import database

    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    url = database.configure(args.database_url)
    import django

    django.setup()
    from bench.__main__ import prepare
    from bench.measure import table
    from bench.scenarios import Context
    from bench.seed import Plan, delete_extra_tickets

    plan = Plan(tickets=args.tickets, messages=args.messages)
    prepare(url, plan, reseed=False)
    ctx = Context(plan=plan, samples=args.samples, warmup=args.warmup)
    try:
        print(table(figures(ctx)))
    finally:
        delete_extra_tickets(plan)


if __name__ == "__main__":
    main()
