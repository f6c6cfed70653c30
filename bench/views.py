"""Saved views at scale (VI1, VI2): the sidebar's counts for 20 views, as the bench agent.

Registered in `bench/__main__.py`; runs alone too, on the search benchmark's database
(1,000,000 tickets, 5,000,000 messages):

    python -m bench.views [--tickets N] [--database-url URL]
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # models import only after django.setup(): `main` runs this module alone
    from bench.measure import Figure
    from bench.scenarios import Context

COUNTS_TARGET_MS = 50.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/relaydesk_bench_search"


def _filters(ctx: Context) -> list[dict[str, str]]:
    """Twenty views a team would keep: queues, groups, statuses, priorities, departments."""
    departments = [str(d.pk) for d in ctx.departments.values()]
    views: list[dict[str, str]] = [
        {"queue": "mine"},
        {"queue": "unassigned"},
        {"group": "active"},
        {"group": "waiting"},
        {"group": "closed"},
        {"status": "pending"},
        {"status": "on_hold"},
        {"sla": "breached", "group": "active"},
        {"sla": "at_risk", "group": "active"},
        {"channel": "email", "group": "active"},
    ]
    for priority in ("1", "2", "3", "4"):
        views.append({"group": "active", "priority": priority})
    for department in departments:
        views.append({"group": "active", "department": department})
        views.append({"queue": "unassigned", "department": department})
    return views[:20]


def figures(ctx: Context) -> list[Figure]:
    from relaydesk.savedviews.models import SavedView
    from relaydesk.savedviews.services import create_view, view_counts

    views = [
        create_view(actor=ctx.agent, name=f"Bench view {n}", filters=filters)
        for n, filters in enumerate(_filters(ctx))
    ]
    try:
        figure = ctx.run(
            f"sidebar: counts of {len(views)} saved views",
            lambda _: view_counts(ctx.agent, views),
            COUNTS_TARGET_MS,
        )
    finally:
        SavedView.objects.filter(pk__in=[v.pk for v in views]).delete()
    return [figure]


def main() -> None:
    from bench import database

    parser = argparse.ArgumentParser(prog="python -m bench.views", description=__doc__)
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
    from bench.seed import Plan

    plan = Plan(tickets=args.tickets, messages=args.messages)
    prepare(url, plan, reseed=False)
    print(table(figures(Context(plan=plan, samples=args.samples, warmup=args.warmup))))


if __name__ == "__main__":
    main()
