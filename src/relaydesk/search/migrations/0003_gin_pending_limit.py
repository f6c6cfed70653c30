"""PostgreSQL: a short pending list for the search GIN indexes.

GIN buffers new entries in an unsorted pending list (up to 4 MB by default) that every search
reads in full until VACUUM or an overflow merges it; on a busy desk that is 20-30 ms per index
per query. 256 kB bounds that read to about a millisecond; writes merge a little more often.
Setting the limit rewrites nothing; the current pending lists are merged once."""

from django.db import migrations

INDEXES = ("search_public_vector", "search_note_vector", "search_title_trgm")
PENDING_LIMIT_KB = 256


def shorten(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(
                f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIMIT_KB})"
            )
            schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_contact_trigram_indexes")]

    operations = [migrations.RunPython(shorten, restore)]
