"""A new ticket's number (its row id plus `TICKET_NUMBER_OFFSET`), given by PostgreSQL as the
row is inserted: a trigger before the insert fills it in, and the INSERT returns it (`number`
has a database default, so Django asks for it back). Writing it with an UPDATE afterwards cost
a round trip and, `number` being indexed, a second version of the new row in each of the
table's indexes.

Installed after every `migrate` like the tally's triggers. SQLite cannot change a row before
it is inserted: there, and wherever the trigger is missing, `services.insert_ticket` writes
the number itself."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from relaydesk.tickets import triggers

PREFIX = "tickets_number_"
# The offset is part of the name: changing the setting installs the trigger anew.
NAME = f"{PREFIX}v1_{settings.TICKET_NUMBER_OFFSET}"


def _statements() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.number IS NULL THEN
                NEW.number := NEW.id + {int(settings.TICKET_NUMBER_OFFSET)};
            END IF;
            RETURN NEW;
        END $$""",
        f"CREATE TRIGGER {NAME} BEFORE INSERT ON tickets_ticket "
        f"FOR EACH ROW EXECUTE FUNCTION {NAME}()",
    ]


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Install the trigger on PostgreSQL where it is missing or outdated; True when it did."""
    if connection.vendor != "postgresql":
        return False
    if "tickets_ticket" not in connection.introspection.table_names():
        return False
    with transaction.atomic(using=connection.alias):
        installed = triggers.installed(connection, PREFIX)
        if installed == {NAME}:
            return False
        triggers.drop(connection, installed)
        with connection.cursor() as cursor:
            for statement in _statements():
                cursor.execute(statement)
    return True
