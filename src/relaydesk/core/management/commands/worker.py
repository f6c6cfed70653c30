from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from relaydesk.core.worker import make_worker


class Command(BaseCommand):
    help = "Run background task workers (run as many as you like, on as many machines)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queues", default="*", help="Comma-separated queues; * for all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll, seconds.")
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = make_worker(
            interval=options["interval"], batch=options["batch"], queues=options["queues"]
        )
        worker.configure_signals()
        worker.run()
