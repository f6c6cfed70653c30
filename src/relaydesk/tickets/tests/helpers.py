"""Helpers for the ticket tests: a "nothing changed" guard and uploads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from relaydesk.tickets.models import Attachment, Message, Tag, Ticket, TicketEvent, TimeEntry


def snapshot() -> dict[str, object]:
    """Everything a ticket service may write, in a comparable form."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "ticket_tags": sorted(Ticket.tags.through.objects.values_list("ticket_id", "tag_id")),
        "links": sorted(
            Ticket.linked.through.objects.values_list("from_ticket_id", "to_ticket_id")
        ),
        "followers": sorted(Ticket.followers.through.objects.values_list("ticket_id", "user_id")),
        "message_tickets": sorted(Message.objects.values_list("pk", "ticket_id")),
        "tags": Tag.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": TicketEvent.objects.count(),
        "time": TimeEntry.objects.count(),
    }


@contextmanager
def nothing_changes(media: Path | None = None) -> Iterator[None]:
    """Asserts that the block leaves the database (and the media folder) as it found it."""
    before = snapshot()
    files = sorted(media.rglob("*")) if media and media.exists() else []
    yield
    assert snapshot() == before
    if media is not None:
        assert (sorted(media.rglob("*")) if media.exists() else []) == files


def upload(name: str = "notes.txt", content: bytes = b"hello", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)
