"""The desk's mail pages and actions: spam, forward, and the quarantine for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.views.common import agent_required, desk_user, forbidden, ticket_or_404
from relaydesk.mail import ingest
from relaydesk.mail.forward import forward as forward_ticket
from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.quarantine import held, raw_headers
from relaydesk.mail.spam import ADDRESS, mark_spam

MAX_FIELD = 2000
MAX_NOTE = 20_000
QUARANTINE_PAGE = 50


@agent_required
@require_POST
def spam(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    try:
        blocked = mark_spam(
            ticket, actor=desk_user(request), block=request.POST.get("block", ADDRESS)[:20]
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("desk:ticket", number=number)
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


@agent_required
def quarantine(request: HttpRequest) -> HttpResponse:
    try:
        mails = held(desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    page = Paginator(mails, QUARANTINE_PAGE).get_page(request.GET.get("page"))
    return render(request, "mail/desk/quarantine.html", {"page": page})


def _held_mail(request: HttpRequest, mail_id: int) -> InboundMail:
    try:
        return held(desk_user(request)).get(pk=mail_id)
    except InboundMail.DoesNotExist:
        raise Http404(_("No such mail in the quarantine.")) from None


@agent_required
def quarantined_mail(request: HttpRequest, mail_id: int) -> HttpResponse:
    try:
        mail = _held_mail(request, mail_id)
    except PermissionDenied as error:
        return forbidden(request, error)
    return render(
        request, "mail/desk/quarantined_mail.html", {"mail": mail, "headers": raw_headers(mail)}
    )


@agent_required
@require_POST
def quarantine_action(request: HttpRequest, mail_id: int) -> HttpResponse:
    user = desk_user(request)
    try:
        mail = _held_mail(request, mail_id)
        if request.POST.get("action") == "discard":
            ingest.discard(mail, actor=user)
            messages.success(request, _("The mail was discarded; the original is kept."))
        elif ingest.retry(mail, actor=user) == Outcome.QUARANTINED:
            mail.refresh_from_db(fields=["error"])
            messages.error(request, _("Still quarantined: %(error)s") % {"error": mail.error[:300]})
            return redirect("mail:quarantined", mail_id=mail_id)
        else:
            messages.success(request, _("The mail was processed."))
    except PermissionDenied as error:
        return forbidden(request, error)
    return redirect("mail:quarantine")
