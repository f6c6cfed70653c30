from argparse import ArgumentParser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from relaydesk.core.worker import is_embedded, start_worker_thread


class Command(BaseCommand):
    help = "Serve Relaydesk (HTTP and websockets). On SQLite it also runs the task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run the task worker thread, even on the embedded default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Production serves hashed static files from the manifest: keep it current.
            call_command("collectstatic", interactive=False, verbosity=0)
        if is_embedded() and not options["no_worker"]:
            start_worker_thread()
        self.stdout.write(f"Relaydesk on http://{options['host']}:{options['port']}/desk/")
        uvicorn.run(
            "relaydesk.asgi:application",
            host=options["host"],
            port=options["port"],
            log_level="debug" if settings.DEBUG else "info",
            proxy_headers=True,
            lifespan="off",
        )
