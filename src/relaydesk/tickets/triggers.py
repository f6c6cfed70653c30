"""The triggers the tickets app installs on `tickets_ticket` after every `migrate` (the tally's
counts, the ticket number): which of them are in place, and taking them away."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper


def installed(connection: BaseDatabaseWrapper, prefix: str) -> set[str]:
    """The names of the ticket table's triggers that start with `prefix`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'tickets_ticket'::regclass "
                "AND tgname LIKE %s",
                [prefix + "%"],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'tickets_ticket' AND name LIKE %s",
                [prefix + "%"],
            )
        return {name for (name,) in cursor.fetchall()}


def drop(connection: BaseDatabaseWrapper, names: Iterable[str]) -> None:
    on_table = " ON tickets_ticket" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
