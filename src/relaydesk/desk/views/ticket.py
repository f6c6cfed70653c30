"""The ticket page: conversation, composer, properties panel, transfer, time, history.

Every POST answers htmx with the fragments to swap (`desk/ticket.html#<partial>`) and a plain
form post with a redirect; invalid input re-renders the form with its errors (422)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.desk.action_forms import SnoozeForm, TicketNumberForm
from relaydesk.desk.forms import (
    ComposerForm,
    PropertiesForm,
    TimeForm,
    TransferForm,
    apply_errors,
)
from relaydesk.desk.views.common import (
    agent_required,
    desk_user,
    forbidden,
    is_htmx,
    ticket_or_404,
)
from relaydesk.mail.forward import reply_copies
from relaydesk.tickets import events, services
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import can_change, visible_messages, visible_tickets

PARTS = ("conversation", "panel", "history")
# History lines of merge, split, link and snooze, told in words of their own.
ACTION_FIELDS = frozenset({*events.CONVERSATION_FIELDS, events.LINKED, events.SNOOZED_UNTIL})
OTHER_TICKETS = 8


def _context(request: HttpRequest, ticket: Ticket, **forms: forms.Form) -> dict[str, Any]:
    user = desk_user(request)
    visible = visible_tickets(user)  # built once: each build costs as much as its query
    tag_names = sorted(tag.name for tag in ticket.tags.all())
    context: dict[str, Any] = {
        "ticket": ticket,
        "editable": can_change(user, ticket),
        "tag_names": tag_names,
        "conversation": visible_messages(user)
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(  # as lists: a manager and a queryset per message cost more
            Prefetch("attachments", to_attr="files"), Prefetch("outbound_mail", to_attr="mails")
        ),
        "other_tickets": visible.filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .select_related("custom_status")
        .order_by("-updated_at", "-id")[:OTHER_TICKETS],
        "followers": list(ticket.followers.all()),
        "minutes_logged": ticket.time_entries.aggregate(total=Sum("minutes"))["total"] or 0,
        "composer": ComposerForm(),
        "properties": PropertiesForm(ticket=ticket, tag_names=tag_names),
        "transfer_form": TransferForm(),
        "time_form": TimeForm(),
        "link_form": TicketNumberForm(),
        "snooze_form": SnoozeForm(),
        "linked": visible.filter(linked=ticket).select_related("custom_status").order_by("number"),
        "merged_here": visible.filter(merged_into=ticket).order_by("number"),
        "merged_into": visible.filter(pk=ticket.merged_into_id).first()
        if ticket.merged_into_id
        else None,
    }
    context.update(forms)
    return context


@agent_required
@require_GET
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    part = request.GET.get("part", "")
    if part == "history":
        lines = ticket.events.select_related("actor", "message")
        context = {"ticket": ticket, "events": lines, "ticket_action_fields": ACTION_FIELDS}
        return render(request, "desk/ticket.html#history", context)
    if part in PARTS:
        return render(request, f"desk/ticket.html#{part}", _context(request, ticket))
    return render(request, "desk/ticket.html", _context(request, ticket))


def _writable(request: HttpRequest, number: int) -> Ticket:
    """The ticket, if visible (404 otherwise); refusing read-only agents is the service's job,
    this only refuses them before their input is even looked at."""
    ticket = ticket_or_404(request, number)
    if not can_change(desk_user(request), ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    return ticket


def _answer(
    request: HttpRequest, number: int, partial: str, *, status: int = 200, **forms: forms.Form
) -> HttpResponse:
    """After a change: htmx gets the fragments, a plain post is sent back to the page. When
    the change took the ticket out of the agent's sight (a transfer), both go to the list."""
    try:
        ticket = ticket_or_404(request, number)  # fresh: the service has changed it
    except Http404:
        messages.success(request, _("Ticket #%(number)d was handed over.") % {"number": number})
        return _go(request, reverse("desk:home"))
    if status == 200 and not is_htmx(request):
        return _go(request, reverse("desk:ticket", args=[number]))
    template = f"desk/ticket.html#{partial}" if is_htmx(request) else "desk/ticket.html"
    context = _context(request, ticket, **forms)
    context["saved"] = partial == "panel_done"
    return render(request, template, context, status=status)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def _act(
    request: HttpRequest,
    number: int,
    form: forms.Form,
    *,
    done: str,
    failed: str,
    action: Any,
) -> HttpResponse:
    """Run `action(ticket, cleaned_data)` for a valid form and answer with fragments."""
    try:
        ticket = _writable(request, number)
        if form.is_valid():
            action(ticket, form.cleaned_data)
            return _answer(request, number, done)
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _answer(request, number, failed, status=422, **{_CONTEXT_NAMES[type(form)]: form})


_CONTEXT_NAMES: dict[type[forms.Form], str] = {
    ComposerForm: "composer",
    PropertiesForm: "properties",
    TransferForm: "transfer_form",
    TimeForm: "time_form",
}


@agent_required
@require_POST
def reply(request: HttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict[str, Any]) -> None:
        services.add_message(
            ticket,
            actor=desk_user(request),
            body=services.Body(data["body"]),
            internal=data["internal"],
            status=data["status"] or None,
            attachments=data["attachments"],
            headers=reply_copies(ticket, cc=data["cc"], bcc=data["bcc"]),
        )

    form = ComposerForm(request.POST, request.FILES)
    return _act(request, number, form, done="reply_done", failed="composer", action=action)


@agent_required
@require_POST
def properties(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    form = PropertiesForm(
        request.POST, ticket=ticket, tag_names=sorted(t.name for t in ticket.tags.all())
    )

    def action(ticket: Ticket, data: dict[str, Any]) -> None:
        assert isinstance(form, PropertiesForm)
        services.update_ticket(ticket, actor=desk_user(request), **form.changes())

    return _act(request, number, form, done="panel_done", failed="panel", action=action)


@agent_required
@require_POST
def transfer(request: HttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict[str, Any]) -> None:
        services.transfer(
            ticket,
            actor=desk_user(request),
            department=data["department"],
            assignee=data["assignee"],
            note=data["note"],
        )

    form = TransferForm(request.POST)
    return _act(request, number, form, done="panel_done", failed="panel", action=action)


@agent_required
@require_POST
def log_time(request: HttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict[str, Any]) -> None:
        services.log_time(
            ticket, actor=desk_user(request), minutes=data["minutes"], note=data["note"]
        )

    form = TimeForm(request.POST)
    return _act(request, number, form, done="panel_done", failed="panel", action=action)


@agent_required
@require_POST
def follow(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    try:
        services.set_following(
            ticket, actor=desk_user(request), following=request.POST.get("following") == "1"
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    return _answer(request, number, "panel_done")
