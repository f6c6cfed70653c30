"""The customer's requests: list, new request, the request page with reply and close, files.

Every read goes through the visibility door and every change through the ticket services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import forbidden
from relaydesk.portal.forms import RatingForm, ReplyForm, RequestFilterForm, RequestForm
from relaydesk.portal.models import SatisfactionRating
from relaydesk.portal.satisfaction import can_rate
from relaydesk.portal.views.common import customer_required, portal_user, request_or_404
from relaydesk.tickets import services
from relaydesk.tickets.attachments import file_response
from relaydesk.tickets.models import GROUP_STATUSES, Attachment, Channel, Ticket
from relaydesk.tickets.visibility import visible_attachments, visible_messages, visible_tickets

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    """`/`: a customer's requests, the desk for agents, a welcome for everyone else."""
    if request.user.is_authenticated:
        return redirect("desk:home" if request.user.is_agent else "portal:requests")
    return render(request, "portal/welcome.html")


@customer_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = portal_user(request)
    form = RequestFilterForm(request.GET)
    tickets = visible_tickets(user).select_related("custom_status", "requester")
    shares = bool(user.organization and user.organization.members_see_all_tickets)
    if form.is_valid():
        data = form.cleaned_data
        if not (shares and data["scope"] == "organization"):
            tickets = tickets.filter(requester=user)
        if data["group"]:
            tickets = tickets.filter(status__in=GROUP_STATUSES[data["group"]])
        if data["q"]:
            tickets = tickets.filter(subject__icontains=data["q"])
    else:
        tickets = tickets.filter(requester=user)
    page = Paginator(tickets.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "shares": shares}
    return render(request, "portal/requests.html", context)


@customer_required
def new_request(request: HttpRequest) -> HttpResponse:
    user = portal_user(request)
    form = RequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.create_ticket(
                    actor=user,
                    requester=user,
                    subject=data["subject"],
                    body=services.Body(data["body"], data["body_html"]),
                    channel=Channel.PORTAL,
                    priority=data["priority"],
                    category=data["category"],
                    custom_fields=form.custom_fields(),
                    language=request.LANGUAGE_CODE,
                    attachments=data["attachments"],
                )
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request #%(number)d is sent. We will answer soon.")
                    % {"number": ticket.number},
                )
                return redirect("portal:request", number=ticket.number)
    return render(request, "portal/new_request.html", {"form": form}, status=status)


LIVE_PARTS = ("conversation", "facts", "rating")


def _page(
    request: HttpRequest, ticket: Ticket, *, status: int = 200, template: str = "", **extra: Any
) -> HttpResponse:
    conversation = (
        visible_messages(portal_user(request))
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related("attachments")
    )
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    merged_into = (
        visible_tickets(portal_user(request)).filter(pk=ticket.merged_into_id).first()
        if ticket.merged_into_id
        else None
    )
    context = {
        "ticket": ticket,
        "merged_into": merged_into,
        "conversation": conversation,
        "form": ReplyForm(),
        "rating": rating,
        "rating_form": (
            RatingForm() if rating is None and can_rate(portal_user(request), ticket) else None
        ),
        **extra,
    }
    return render(request, f"portal/request.html{template}", context, status=status)


@customer_required
@require_GET
def request_page(request: HttpRequest, number: int) -> HttpResponse:
    """The page, or one of its parts (`?part=`) that the live page fetches again."""
    ticket = request_or_404(request, number)
    part = request.GET.get("part", "")
    return _page(request, ticket, template=f"#{part}" if part in LIVE_PARTS else "")


@customer_required
@require_POST
def reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = request_or_404(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_message(
                ticket,
                actor=portal_user(request),
                body=services.Body(form.cleaned_data["body"]),
                attachments=form.cleaned_data["attachments"],
            )
        except PermissionDenied as error:
            return forbidden(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect("portal:request", number=number)
    return _page(request, request_or_404(request, number), status=422, form=form)


@customer_required
@require_POST
def close(request: HttpRequest, number: int) -> HttpResponse:
    ticket = request_or_404(request, number)
    try:
        services.close_request(ticket, actor=portal_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError:
        messages.info(request, _("This request is already closed."))
    else:
        messages.success(request, _("Your request is closed. Write again to reopen it."))
    return redirect("portal:request", number=number)


@customer_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        return file_response(visible_attachments(portal_user(request)).get(pk=attachment_id))
    except (Attachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
