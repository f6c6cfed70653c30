from argparse import ArgumentParser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from relaydesk.core.worker import is_embedded, start_worker_thread


class Command(BaseCommand):
    help = "Serve Relaydesk (HTTP and websockets). On SQLite it also runs the task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="Server processes (default $RELAYDESK_WEB_WORKERS or 1). More than one needs "
            "PostgreSQL and REDIS_URL, so live updates, the cache and rate limits are shared.",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="Do not log every request (behind a proxy that logs them already).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run the task worker thread, even on the embedded default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if workers > 1 and (is_embedded() or not settings.REDIS_URL):
            raise CommandError(
                "Several server processes need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): "
                "SQLite has one writer, and without Redis each process would keep its own live "
                "updates, cache and rate limits."
            )
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
            access_log=not options["no_access_log"],
            proxy_headers=True,
            lifespan="off",
            workers=workers,
        )
