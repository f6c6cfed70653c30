"""Attachments: limits and forbidden types checked before anything is written (TK6)."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from relaydesk.tickets.models import Attachment, Message


def safe_filename(name: str) -> str:
    # Trailing dots and spaces vanish on Windows: "virus.exe." would run as "virus.exe".
    base = PurePath((name or "").replace("\\", "/")).name.rstrip(". ")
    try:
        cleaned = get_valid_filename(base)[:200]
    except Exception:  # get_valid_filename refuses names that clean to nothing
        cleaned = ""
    return cleaned or "attachment"


def validate_uploads(files: Sequence[UploadedFile]) -> None:
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            {
                "attachments": _("At most %(max)d files per message.")
                % {"max": settings.ATTACHMENT_MAX_FILES}
            }
        )
    for upload in files:
        name = safe_filename(upload.name or "")
        if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": _("%(name)s is larger than %(max)s.")
                    % {"name": name, "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
                }
            )
        if PurePath(name).suffix.lower() in settings.ATTACHMENT_FORBIDDEN_EXTENSIONS:
            raise ValidationError(
                {
                    "attachments": _("Files of type %(ext)s are not accepted.")
                    % {"ext": PurePath(name).suffix.lower()}
                }
            )


def store_attachments(message: Message, files: Sequence[UploadedFile]) -> list[Attachment]:
    """Saves the files. An upload with a `content_id` attribute (an image a mail shows inline)
    keeps it, and the message's `cid:` links to it point at its download URL."""
    from relaydesk.tickets.models import Attachment

    html = message.body_html
    stored: list[Attachment] = []
    for upload in files:
        name = safe_filename(upload.name or "")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        content_id = str(getattr(upload, "content_id", ""))[:250]
        attachment = Attachment(
            message=message,
            filename=name,
            content_type=content_type,
            size=upload.size or 0,
            content_id=content_id,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
        if content_id and f"cid:{content_id}" in html:
            url = reverse("desk:attachment", args=[attachment.pk])
            html = html.replace(f'"cid:{content_id}"', f'"{url}"')
    if html != message.body_html:
        message.body_html = html
        message.save(update_fields=["body_html"])
    return stored


def relink_inline(message: Message, view: str) -> str:
    """The message's HTML with its inline images pointing at another download view (the
    portal's `portal:attachment` instead of the desk's). Uses `message.attachments.all()`,
    so prefetch them for a conversation; only the message's own files are relinked."""
    html = message.body_html
    for attachment in message.attachments.all():
        if attachment.content_id:
            desk = reverse("desk:attachment", args=[attachment.pk])
            html = html.replace(f'"{desk}"', f'"{reverse(view, args=[attachment.pk])}"')
    return html


def file_response(attachment: Attachment) -> FileResponse:
    """The download of a stored file: images inline, everything else as an opaque download,
    sandboxed. Raises FileNotFoundError when the file is gone."""
    handle = attachment.file.open("rb")
    response = FileResponse(
        handle,
        as_attachment=not attachment.is_image,
        filename=attachment.filename,
        content_type=attachment.content_type if attachment.is_image else None,
    )
    if not attachment.is_image:
        response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
