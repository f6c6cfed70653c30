"""`relaydesk mail import PATH...` and `relaydesk mail fetch`."""

from __future__ import annotations

import json
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relaydesk.mail import imap, ingest, sources
from relaydesk.mail.models import Outcome

SUMMARY_KEYS = {
    Outcome.CREATED: "created",
    Outcome.THREADED: "threaded",
    Outcome.DUPLICATE: "duplicates",
    Outcome.AUTO_REPLY: "auto_replies",
    Outcome.BOUNCE: "bounces",
    Outcome.SPAM: "spam",
    Outcome.QUARANTINED: "quarantined",
}


class Command(BaseCommand):
    help = "Mail intake: import files, Maildir folders or mbox files; fetch IMAP mailboxes."
    # Run often (by cron, by an MTA for each message): the system checks, which load every
    # URL pattern and the API's schema, took 0.65 s of each start. `serve`, `worker` and
    # `migrate` still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="Import .eml files, Maildir folders, mbox files.")
        importer.add_argument("paths", nargs="+", type=Path)
        importer.add_argument("--json", action="store_true", help="Print one JSON summary.")
        fetcher = sub.add_parser("fetch", help="Poll every active IMAP mailbox once.")
        fetcher.add_argument("--json", action="store_true", help="Print one JSON summary.")
        fetcher.add_argument(
            "--idle",
            action="store_true",
            help="Keep running: wait for new mail with IMAP IDLE (or poll where the server "
            "has no IDLE) and fetch it as it arrives; one summary line per fetch.",
        )
        fetcher.add_argument(
            "--interval",
            type=float,
            default=imap.POLL_INTERVAL,
            help="Seconds between polls for servers without IDLE (with --idle).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.report(self.import_paths(options["paths"]), as_json=options["json"])
        elif options["idle"]:
            self.watch(interval=max(options["interval"], 1.0), as_json=options["json"])
        else:
            self.report(imap.fetch_all(), as_json=options["json"])

    def report(self, counts: Counter[str], *, as_json: bool) -> None:
        summary = {"read": sum(counts.values())} | {
            key: counts.get(outcome, 0) for outcome, key in SUMMARY_KEYS.items()
        }
        if as_json:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))

    def watch(self, *, interval: float, as_json: bool) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())

        def fetched(counts: Counter[str]) -> None:
            if counts:
                self.report(counts, as_json=as_json)

        threads = imap.start_watchers(stop, interval=interval, fetched=fetched)
        if not threads:
            raise CommandError("No active mailbox has an IMAP server.")
        try:
            while any(thread.is_alive() for thread in threads):
                for thread in threads:
                    thread.join(timeout=1)
        except KeyboardInterrupt:
            stop.set()
        for thread in threads:
            thread.join()

    def import_paths(self, paths: list[Path]) -> Counter[str]:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        counts: Counter[str] = Counter()
        for path in paths:
            mails = sources.read(path)
            while True:
                try:
                    for outcome in ingest.receive_many(mails):
                        counts[outcome] += 1
                    break
                except ingest.MailTooLarge as exc:  # reported and counted; the import goes on
                    self.stderr.write(f"{path}: {exc}")
                    counts[Outcome.QUARANTINED] += 1
        return counts
