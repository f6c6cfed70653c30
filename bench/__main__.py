"""`python -m bench`: seed (or reuse) the benchmark database, measure, print, save."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bench import database, mail

if TYPE_CHECKING:  # bench.seed imports models: only after django.setup()
    from bench.seed import Plan

FULL_SIZE = 1_000_000
AREAS = ("desk", "search", "api", "sla", "automation", "kb", "mail")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--tickets",
        type=int,
        default=FULL_SIZE,
        help="tickets to seed (default 1,000,000; e.g. 10000 for a quick run)",
    )
    parser.add_argument(
        "--reseed", action="store_true", help="drop the benchmark database and seed it again"
    )
    parser.add_argument("--samples", type=int, default=60, help="timed runs per scenario")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs first")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"PostgreSQL URL (default $DATABASE_URL or {database.DEFAULT_URL})",
    )
    parser.add_argument(
        "--only",
        default=",".join(AREAS),
        help=f"comma-separated areas to measure (default all: {','.join(AREAS)})",
    )
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    if not args.only <= set(AREAS):
        parser.error(f"unknown areas: {', '.join(sorted(args.only - set(AREAS)))}")
    if args.tickets < 100 or args.samples < 2:
        parser.error("use at least 100 tickets and 2 samples")
    return args


def prepare(url: str, plan: Plan, *, reseed: bool) -> float | None:
    """A migrated database holding exactly this seed; the seconds seeding took, if it ran."""
    from django.core.management import call_command
    from django.db import connection

    from bench import seed

    # Pages render as in production (DEBUG off): hashed static names need the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    database.ensure(url)
    call_command("migrate", verbosity=0)
    if not reseed and seed.recorded_marker() == plan.marker:
        print(f"Reusing the seeded database ({plan.tickets:,} tickets); --reseed to rebuild.")
        seed.delete_extra_tickets(plan)
        database.vacuum()  # also statistics for columns added since the seed
        return None
    connection.close()
    connection.close_pool()  # a pooled connection would not survive the drop
    database.ensure(url, drop=True)
    call_command("migrate", verbosity=0)
    return seed.run(plan)


def main() -> None:
    args = arguments()
    url = database.configure(args.database_url)
    import django

    django.setup()
    from django.conf import settings

    from bench import api_load, automation, kb, scenarios, search, seed, sla, views
    from bench.measure import queries_by_page_size, table

    plan = seed.Plan(tickets=args.tickets)
    seeded = prepare(url, plan, reseed=args.reseed)
    if seeded is not None:
        print(f"Seeded in {seeded:.0f} s.")
    ctx = scenarios.Context(plan=plan, samples=args.samples, warmup=args.warmup)
    print(f"Measuring ({args.samples} samples after {args.warmup} warm-up runs each) …")
    began = time.perf_counter()
    figures = scenarios.page_figures(ctx) if "desk" in args.only else []
    try:
        if "desk" in args.only:
            figures.append(scenarios.create_figure(ctx))
        if "search" in args.only:
            figures += search.figures(ctx) + views.figures(ctx)
        if "api" in args.only:
            figures += api_load.figures(ctx)
        if "sla" in args.only:
            figures += sla.figures(ctx)
        if "automation" in args.only:
            figures += automation.figures(ctx)
    finally:
        seed.delete_extra_tickets(plan)
    if "kb" in args.only:
        figures += kb.figures(args.samples, args.warmup)
    print(
        f"\nLoad average while measuring: {os.getloadavg()[1]:.2f} (5 min) on {os.cpu_count()} CPUs"
    )
    print(table(figures))
    growth = queries_by_page_size(figures)
    steady = all(len(set(sizes.values())) == 1 for sizes in growth.values())
    print(
        "\nSQL queries per list page do not grow with the page size."
        if steady
        else f"\nSQL queries per list page GROW with the page size: {growth}"
    )
    missed = [f.name for f in figures if f.verdict == "MISSED"]
    print("\nAll targets met." if not missed else f"\nTargets missed: {', '.join(missed)}")
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1_5_15": os.getloadavg(),
            "python": platform.python_version(),
        },
        "tickets": plan.tickets,
        "messages_per_ticket": plan.messages,
        "seed_seconds": round(seeded, 1) if seeded is not None else None,
        "measure_seconds": round(time.perf_counter() - began, 1),
        "through": "desk pages via django.test.Client; creation via services.create_ticket",
        "figures": [f.as_dict() for f in figures],
        "queries_by_page_size": growth,
        "queries_steady": steady,
    }
    path = settings.HOME / "bench-results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Figures written to {path}")
    if "mail" in args.only:
        mail.run(10_000, mail.MAIL_URL)


if __name__ == "__main__":
    main()
