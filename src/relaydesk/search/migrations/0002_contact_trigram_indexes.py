"""PostgreSQL: trigram indexes for the search page's contact lookup (`name ILIKE %word%`,
`email ILIKE word%` compile to UPPER(...) LIKE UPPER(...)), which otherwise read every user
(about 300 ms at 50,000 customers). SQLite has no such index; its user table stays small."""

from django.db import migrations

INDEXES = {
    "search_user_name_trgm": "UPPER(name::text) gin_trgm_ops",
    "search_user_email_trgm": "UPPER(email::text) gin_trgm_ops",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user USING gin ({expression})"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
