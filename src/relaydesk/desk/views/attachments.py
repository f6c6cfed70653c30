"""Attachment downloads, only through the visibility door."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.tickets.attachments import file_response
from relaydesk.tickets.models import Attachment
from relaydesk.tickets.visibility import visible_attachments


@agent_required
@require_GET
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        return file_response(visible_attachments(desk_user(request)).get(pk=attachment_id))
    except (Attachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
