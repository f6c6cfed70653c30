"""`relaydesk sweepwebhooks`: retry deliveries a crashed worker left "sending" (run it every
few minutes, e.g. from cron, until the core scheduler runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relaydesk.webhooks.outbox import sweep_stuck_deliveries


class Command(BaseCommand):
    help = "Send again the webhook deliveries a crashed worker left in the sending state."

    def handle(self, *args: Any, **options: Any) -> None:
        count = sweep_stuck_deliveries()
        self.stdout.write(f"{count} stuck deliveries enqueued again.")
