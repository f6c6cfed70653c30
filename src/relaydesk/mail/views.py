"""The desk's mail actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.views.common import agent_required, desk_user, forbidden, ticket_or_404
from relaydesk.mail.forward import forward as forward_ticket
from relaydesk.mail.spam import mark_spam

MAX_FIELD = 2000
MAX_NOTE = 20_000


@agent_required
@require_POST
def spam(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    try:
        blocked = mark_spam(ticket, actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    messages.success(
        request, _("Marked as spam; mail from %(sender)s is now blocked.") % {"sender": blocked}
    )
    return redirect("desk:ticket", number=number)


@agent_required
@require_POST
def forward(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    fields = {name: request.POST.get(name, "")[:MAX_FIELD] for name in ("to", "cc", "bcc")}
    try:
        forward_ticket(
            ticket,
            actor=desk_user(request),
            note=request.POST.get("note", "")[:MAX_NOTE],
            **fields,
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The conversation is on its way by mail."))
    return redirect("desk:ticket", number=number)
