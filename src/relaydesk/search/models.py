"""The search document of each ticket (VI3): its words, kept current by `indexer`.

One row per ticket, rewritten in the transaction of every change that alters its text. The
database keeps the index itself: on PostgreSQL a trigger fills `public_vector` and
`note_vector` (tsvector, GIN) and `title` has a pg_trgm index; on SQLite triggers mirror the
row into the FTS5 table `search_fts`. Both are created by migration 0001 for their engine only.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from relaydesk.tickets.models import Ticket


class TsVectorField(models.Field):
    """A PostgreSQL tsvector column (a plain, unused column on SQLite)."""

    description = "PostgreSQL tsvector"

    def db_type(self, connection: Any) -> str:
        return "tsvector"


class SearchDocument(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    # The PostgreSQL text search configuration of the ticket's language (see indexer.CONFIGS).
    config = models.CharField(max_length=16, default="simple")
    title = models.TextField(blank=True)
    public_text = models.TextField(blank=True)
    note_text = models.TextField(blank=True)
    # Filled by a database trigger on PostgreSQL; unused (NULL) on SQLite.
    public_vector = TsVectorField(null=True, editable=False)
    note_vector = TsVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of {self.ticket_id}"
