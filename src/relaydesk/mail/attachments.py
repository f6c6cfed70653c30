"""Mail parts to uploads for the ticket services: what the limits refuse stays in the raw mail
and is named in the message instead (CH3, TK6)."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from relaydesk.mail.parse import Part
from relaydesk.tickets.attachments import safe_filename


class MailUpload(SimpleUploadedFile):
    def __init__(self, part: Part) -> None:
        super().__init__(safe_filename(part.filename), part.data, part.content_type)
        self.content_id = part.content_id


def accepted(part: Part) -> bool:
    suffix = PurePath(safe_filename(part.filename)).suffix.lower()
    return (
        len(part.data) <= settings.ATTACHMENT_MAX_BYTES
        and suffix not in settings.ATTACHMENT_FORBIDDEN_EXTENSIONS
    )


def uploads_for(parts: list[Part]) -> tuple[list[MailUpload], list[str]]:
    """(the uploads to store, the names of files left out)."""
    kept = [p for p in parts if accepted(p)][: settings.ATTACHMENT_MAX_FILES]
    left_out = [safe_filename(p.filename) for p in parts if not any(p is k for k in kept)]
    return [MailUpload(p) for p in kept], left_out
