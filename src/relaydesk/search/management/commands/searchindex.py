"""`relaydesk searchindex`: write the search document of every ticket.

Documents are kept current as tickets change; run this once after installing search on a
database that already holds tickets, or after a bulk import that bypassed the services.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from relaydesk.search.indexer import rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents of all tickets."

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        done = rebuild()
        seconds = time.perf_counter() - began
        self.stdout.write(f"Indexed {done} tickets in {seconds:.1f} s.")
