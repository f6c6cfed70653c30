"""Rating a solved request (PO5) and stopping request mails (PO4), from the portal or from a
signed link in a mail (no sign-in needed; the link names the request and its requester)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import forbidden
from relaydesk.portal import links, satisfaction
from relaydesk.portal.forms import RatingForm
from relaydesk.portal.models import MailPreference
from relaydesk.portal.views.common import customer_required, portal_user, request_or_404
from relaydesk.tickets.models import Ticket


def _save_rating(request: HttpRequest, ticket: Ticket, form: RatingForm) -> bool:
    if not form.is_valid():
        return False
    try:
        satisfaction.rate(
            ticket,
            actor=ticket.requester,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@customer_required
@require_POST
def rate(request: HttpRequest, number: int) -> HttpResponse:
    ticket = request_or_404(request, number)
    if ticket.requester_id != portal_user(request).pk:
        return forbidden(request, PermissionDenied(_("Only the requester can rate this request.")))
    form = RatingForm(request.POST)
    if _save_rating(request, ticket, form):
        messages.success(request, _("Thank you for your rating!"))
    else:
        messages.error(
            request, _("The rating was not saved: %(errors)s") % {"errors": _errors(form)}
        )
    return redirect("portal:request", number=number)


def _errors(form: RatingForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_http_methods(["GET", "POST"])
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The mail's rating link: GET shows the form with the clicked score chosen, POST saves."""
    ticket = satisfaction.ticket_for_token(token)
    if ticket is None:
        return render(request, "portal/link_invalid.html", status=400)
    existing = getattr(ticket, "satisfaction", None)
    initial = {"score": request.GET.get("score"), "comment": existing.comment if existing else ""}
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _save_rating(request, ticket, form):
            return render(request, "portal/rated.html", {"ticket": ticket})
        return render(request, "portal/rate.html", {"form": form, "ticket": ticket}, status=422)
    return render(request, "portal/rate.html", {"form": form, "ticket": ticket})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click in the mail (or a mail client's List-Unsubscribe) asks; the POST stops mail."""
    person = links.user_for_unsubscribe_token(token)
    if person is None:
        return render(request, "portal/link_invalid.html", status=400)
    if request.method == "POST":
        MailPreference.objects.update_or_create(
            user=person, defaults={"ticket_updates": False, "updated_at": timezone.now()}
        )
        return render(request, "portal/unsubscribed.html", {"person": person, "done": True})
    return render(request, "portal/unsubscribed.html", {"person": person, "done": False})
