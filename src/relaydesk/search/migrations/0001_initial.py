"""The search document table, and the index each database engine keeps of it.

PostgreSQL: the unaccent and pg_trgm extensions, a trigger that fills the tsvector columns from
the document's language configuration plus `simple` over unaccented text, GIN indexes on both
vectors and a trigram index on the title. SQLite: an FTS5 table over the documents, kept by
triggers. Each engine gets only its own part.
"""

import django.db.models.deletion
from django.db import migrations, models

import relaydesk.search.models

POSTGRESQL = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION search_words(cfg regconfig, body text) RETURNS tsvector
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector(cfg, body) || to_tsvector('simple', unaccent(body)) $$;
CREATE FUNCTION search_document_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.public_vector := setweight(search_words(NEW.config::regconfig, NEW.title), 'A')
    || search_words(NEW.config::regconfig, NEW.public_text);
  NEW.note_vector := search_words(NEW.config::regconfig, NEW.note_text);
  RETURN NEW;
END $$;
CREATE TRIGGER search_document_vectors
  BEFORE INSERT OR UPDATE ON search_searchdocument
  FOR EACH ROW EXECUTE FUNCTION search_document_vectors();
CREATE INDEX search_public_vector ON search_searchdocument USING gin (public_vector);
CREATE INDEX search_note_vector ON search_searchdocument USING gin (note_vector);
CREATE INDEX search_title_trgm ON search_searchdocument USING gin (title gin_trgm_ops);
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER search_document_vectors ON search_searchdocument;
DROP FUNCTION search_document_vectors();
DROP FUNCTION search_words(regconfig, text);
"""

_FTS_ROW = "new.ticket_id, new.title, new.public_text, new.note_text"
_FTS_DELETE = (
    "INSERT INTO search_fts(search_fts, rowid, title, public_text, note_text)"
    " VALUES ('delete', old.ticket_id, old.title, old.public_text, old.note_text);"
)
_FTS_INSERT = (
    f"INSERT INTO search_fts(rowid, title, public_text, note_text) VALUES ({_FTS_ROW});"
)
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, public_text, note_text,"
    " content='search_searchdocument', content_rowid='ticket_id',"
    " tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN {_FTS_INSERT} END",
    f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN {_FTS_DELETE} END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument"
    f" BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER search_fts_insert",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_update",
    "DROP TABLE search_fts",
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0002_ticket_counts_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("config", models.CharField(default="simple", max_length=16)),
                ("title", models.TextField(blank=True)),
                ("public_text", models.TextField(blank=True)),
                ("note_text", models.TextField(blank=True)),
                (
                    "public_vector",
                    relaydesk.search.models.TsVectorField(editable=False, null=True),
                ),
                (
                    "note_vector",
                    relaydesk.search.models.TsVectorField(editable=False, null=True),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
