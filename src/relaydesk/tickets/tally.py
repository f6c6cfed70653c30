"""The triggers that keep `TicketTally` exact: every insert, delete and change of a ticket's
status, department, assignee or archive state moves one count, in the writer's transaction.

They are (re)installed after every `migrate` (`ensure`, from the app's post_migrate hook) rather
than by a migration: SQLite drops a table's triggers whenever a migration rebuilds the table,
and the trigger text can change with the code. When `ensure` installs them it also recounts,
under a lock that holds writers back for that moment. An archived ticket counts under the
pseudo-status "archived", outside the three groups."""

from __future__ import annotations

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from relaydesk.tickets import triggers

VERSION = 2  # raise when the trigger text changes: `ensure` then replaces them
PREFIX = "tickets_tally_"
NAMES = tuple(f"{PREFIX}v{VERSION}_{kind}" for kind in ("insert", "delete", "update"))
KEY = "(department_key, assignee_key, status, slot)"
SLOTS = 8  # PostgreSQL: rows per key, so concurrent writers rarely wait on the same one
ARCHIVED = "archived"


def _status(row: str) -> str:
    return f"CASE WHEN {row}.archived_at IS NULL THEN {row}.status ELSE '{ARCHIVED}' END"


def _changed(differ: str) -> str:
    return " OR ".join(
        f"OLD.{column} {differ} NEW.{column}"
        for column in ("status", "department_id", "assignee_id", "archived_at")
    )


def _upsert(row: str, delta: int, slot: str) -> str:
    return (  # built from this module's constants only
        "INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n) "  # noqa: S608
        f"VALUES (coalesce({row}.department_id, 0), coalesce({row}.assignee_id, 0), "
        f"{_status(row)}, {slot}, {delta}) "
        f"ON CONFLICT {KEY} DO UPDATE SET n = tickets_tickettally.n + ({delta});"
    )


def _postgresql() -> list[str]:
    insert, delete, update = NAMES
    function = f"{PREFIX}v{VERSION}_move"
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE stripe smallint := floor(random() * {SLOTS});
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {_upsert("OLD", -1, "stripe")} END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN {_upsert("NEW", 1, "stripe")} END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {insert} AFTER INSERT ON tickets_ticket "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {delete} AFTER DELETE ON tickets_ticket "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {update} AFTER UPDATE OF status, department_id, assignee_id, archived_at "
        f"ON tickets_ticket FOR EACH ROW WHEN ({_changed('IS DISTINCT FROM')}) "
        f"EXECUTE FUNCTION {function}()",
    ]


def _sqlite() -> list[str]:
    insert, delete, update = NAMES
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON tickets_ticket "
        f"BEGIN {_upsert('NEW', 1, '0')} END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON tickets_ticket "
        f"BEGIN {_upsert('OLD', -1, '0')} END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF status, department_id, assignee_id, archived_at "
        f"ON tickets_ticket WHEN {_changed('IS NOT')} "
        f"BEGIN {_upsert('OLD', -1, '0')} {_upsert('NEW', 1, '0')} END",
    ]


RECOUNT = (
    "INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n) "  # noqa: S608
    "SELECT coalesce(department_id, 0), coalesce(assignee_id, 0), "
    f"{_status('tickets_ticket')}, 0, count(*) FROM tickets_ticket GROUP BY 1, 2, 3"
)


def drop(connection: BaseDatabaseWrapper) -> None:
    """Take the triggers away for a bulk load (one statement per row of a million-row COPY
    upserting the same few rows in one transaction is quadratic); `ensure` puts them back and
    recounts."""
    triggers.drop(connection, triggers.installed(connection, PREFIX))


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Install the current triggers where they are missing or outdated, and recount; True
    when it did. Does nothing before the tables exist."""
    tables = connection.introspection.table_names()
    if "tickets_ticket" not in tables or "tickets_tickettally" not in tables:
        return False
    installed = triggers.installed(connection, PREFIX)
    if installed == set(NAMES):
        return False
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if postgresql:  # writers wait for the recount; readers go on
            cursor.execute("LOCK TABLE tickets_ticket IN SHARE ROW EXCLUSIVE MODE")
        triggers.drop(connection, installed)
        for statement in _postgresql() if postgresql else _sqlite():
            cursor.execute(statement)
        cursor.execute("DELETE FROM tickets_tickettally")
        cursor.execute(RECOUNT)
    return True
