from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from relaydesk.core.schedule import start_scheduler_thread, tick
from relaydesk.core.worker import make_worker


class Command(BaseCommand):
    help = "Run background task workers (run as many as you like, on as many machines)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queues", default="*", help="Comma-separated queues; * for all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll, seconds.")
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not start periodic jobs from this worker (another worker does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = make_worker(
            interval=options["interval"], batch=options["batch"], queues=options["queues"]
        )
        if options["batch"]:
            tick()  # periodic jobs that are due join this batch
        elif not options["no_scheduler"]:
            start_scheduler_thread()
        worker.configure_signals()
        worker.run()
