"""TicketTally and the triggers that keep it exact: every insert, delete and change of a
ticket's status, department or assignee moves one count, in the writer's transaction."""

from django.db import migrations, models

KEY = "(department_key, assignee_key, status, slot)"
SLOTS = 8  # PostgreSQL: rows per key, so concurrent writers rarely wait on the same one

POSTGRES = f"""
CREATE FUNCTION tickets_tally_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stripe smallint := floor(random() * {SLOTS});
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n)
        VALUES (coalesce(OLD.department_id, 0), coalesce(OLD.assignee_id, 0), OLD.status, stripe, -1)
        ON CONFLICT {KEY} DO UPDATE SET n = tickets_tickettally.n - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n)
        VALUES (coalesce(NEW.department_id, 0), coalesce(NEW.assignee_id, 0), NEW.status, stripe, 1)
        ON CONFLICT {KEY} DO UPDATE SET n = tickets_tickettally.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_tally_insert_delete AFTER INSERT OR DELETE ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tickets_tally_move();
CREATE TRIGGER tickets_tally_update AFTER UPDATE OF status, department_id, assignee_id
    ON tickets_ticket FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
    EXECUTE FUNCTION tickets_tally_move();
"""

DROP_POSTGRES = """
DROP TRIGGER IF EXISTS tickets_tally_update ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_tally_insert_delete ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_tally_move();
"""


def _sqlite_move(row: str, delta: str) -> str:
    return (
        "INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n) "
        f"VALUES (coalesce({row}.department_id, 0), coalesce({row}.assignee_id, 0), "
        f"{row}.status, 0, {delta}1) "
        f"ON CONFLICT {KEY} DO UPDATE SET n = n {delta} 1;"
    )


SQLITE = [
    f"CREATE TRIGGER tickets_tally_insert AFTER INSERT ON tickets_ticket "
    f"BEGIN {_sqlite_move('NEW', '+')} END;",
    f"CREATE TRIGGER tickets_tally_delete AFTER DELETE ON tickets_ticket "
    f"BEGIN {_sqlite_move('OLD', '-')} END;",
    "CREATE TRIGGER tickets_tally_update AFTER UPDATE OF status, department_id, assignee_id "
    "ON tickets_ticket WHEN OLD.status IS NOT NEW.status "
    "OR OLD.department_id IS NOT NEW.department_id OR OLD.assignee_id IS NOT NEW.assignee_id "
    f"BEGIN {_sqlite_move('OLD', '-')} {_sqlite_move('NEW', '+')} END;",
]

DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS tickets_tally_{name};" for name in ("insert", "delete", "update")
]

BACKFILL = """
INSERT INTO tickets_tickettally (department_key, assignee_key, status, slot, n)
SELECT coalesce(department_id, 0), coalesce(assignee_id, 0), status, 0, count(*)
FROM tickets_ticket GROUP BY coalesce(department_id, 0), coalesce(assignee_id, 0), status
"""


def install(apps, schema_editor):
    """Create the triggers and count the tickets already there."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    else:
        for statement in SQLITE:
            schema_editor.execute(statement)
    schema_editor.execute("DELETE FROM tickets_tickettally")
    schema_editor.execute(BACKFILL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRES)
    else:
        for statement in DROP_SQLITE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_sla_due_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("department_key", models.BigIntegerField()),
                ("assignee_key", models.BigIntegerField()),
                ("status", models.CharField(max_length=16)),
                ("slot", models.SmallIntegerField()),
                ("n", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("department_key", "assignee_key", "status", "slot"),
                        name="tally_key",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
