"""The ticket page's actions beyond its fields: merge (with a confirm page showing both
tickets), split, links, snooze, and bulk merge from the list. Thin: the rules are in
`tickets/merging.py`, `tickets/snoozing.py` and `tickets/bulk.py`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relaydesk.desk.action_forms import BulkMergeForm, SnoozeForm, SplitForm, TicketNumberForm
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.bulk import _back
from relaydesk.desk.views.common import agent_required, desk_user, forbidden, ticket_or_404
from relaydesk.desk.views.ticket import _answer, _go, _writable
from relaydesk.search.service import search, ticket_for_number
from relaydesk.tickets import merging, snoozing
from relaydesk.tickets.bulk import bulk_merge
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.visibility import visible_messages, visible_tickets

CANDIDATES = 8


def _target(request: HttpRequest, ticket: Ticket, number: int | None) -> Ticket | None:
    if number is None:
        return None
    return visible_tickets(desk_user(request)).filter(number=number).exclude(pk=ticket.pk).first()


@agent_required
@require_GET
def merge_candidates(request: HttpRequest, number: int) -> HttpResponse:
    """Tickets to merge into, for the search box: a number, words, or (empty) the requester's
    other open tickets."""
    user = desk_user(request)
    ticket = ticket_or_404(request, number)
    text = request.GET.get("q", "").strip()[:200]
    if not text:
        found = list(
            visible_tickets(user)
            .filter(requester_id=ticket.requester_id)
            .exclude(status=StatusCategory.CLOSED)
            .order_by("-updated_at")[: CANDIDATES + 1]
        )
    elif (by_number := ticket_for_number(user, text)) is not None:
        found = [by_number]
    else:
        found = list(search(user, text, sort="updated", size=CANDIDATES + 1).page.tickets)
    candidates = [
        t
        for t in found
        if t.pk != ticket.pk and t.merged_into_id is None and t.status != StatusCategory.CLOSED
    ][:CANDIDATES]
    return render(
        request,
        "desk/ticket_actions.html#candidates",
        {"ticket": ticket, "candidates": candidates, "query": text},
    )


@agent_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, number: int) -> HttpResponse:
    """GET `?number=<target>`: the confirm page with both tickets side by side. POST: merge."""
    try:
        ticket = _writable(request, number)
    except PermissionDenied as error:
        return forbidden(request, error)
    data = request.POST if request.method == "POST" else request.GET
    form = TicketNumberForm(data if "number" in data or request.method == "POST" else None)
    target = _target(request, ticket, form.cleaned_data["number"]) if form.is_valid() else None
    if form.is_valid() and target is None:
        form.add_error("number", _("No such ticket."))
    if request.method == "POST" and target is not None:
        try:
            merging.merge_tickets(ticket, into=target, actor=desk_user(request))
        except PermissionDenied as error:
            return forbidden(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Ticket #%(source)d was merged into this ticket.") % {"source": ticket.number},
            )
            return _go(request, reverse("desk:ticket", args=[target.number]))
    context = {
        "ticket": ticket,
        "target": target,
        "pair": [ticket, target],
        "form": form,
        "counts": {
            t.pk: visible_messages(desk_user(request)).filter(ticket=t).count()
            for t in (ticket, target)
            if t is not None
        },
    }
    status = 422 if form.errors else 200
    return render(request, "desk/merge.html", context, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, number: int) -> HttpResponse:
    """GET `?message=<id>`: choose the messages (that one ticked) and the new subject."""
    try:
        ticket = _writable(request, number)
    except PermissionDenied as error:
        return forbidden(request, error)
    conversation = list(
        visible_messages(desk_user(request)).filter(ticket=ticket).select_related("author")
    )
    choices = [(m.pk, str(m.pk)) for m in conversation]
    if request.method == "POST":
        form = SplitForm(request.POST, messages=choices)
        if form.is_valid():
            try:
                new = merging.split_ticket(
                    ticket,
                    actor=desk_user(request),
                    messages=form.cleaned_data["message"],
                    subject=form.cleaned_data["subject"],
                )
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The messages were moved to the new ticket #%(number)d.")
                    % {"number": new.number},
                )
                return _go(request, reverse("desk:ticket", args=[new.number]))
    else:
        ticked = request.GET.get("message", "")
        form = SplitForm(
            initial={
                "message": [int(ticked)] if ticked.isdigit() else [],
                "subject": ticket.subject,
            },
            messages=choices,
        )
    chosen = form["message"].value() or []
    context = {
        "ticket": ticket,
        "form": form,
        "conversation": conversation,
        "ticked": {int(v) for v in chosen if str(v).isdigit()},
    }
    return render(request, "desk/split.html", context, status=422 if form.errors else 200)


@agent_required
@require_POST
def link(request: HttpRequest, number: int) -> HttpResponse:
    """Link the ticket numbered `number` in the form, or unlink it with `unlink=1`."""
    ticket = ticket_or_404(request, number)
    form = TicketNumberForm(request.POST)
    linked = request.POST.get("unlink") != "1"
    try:
        if form.is_valid():
            other = _target(request, ticket, form.cleaned_data["number"])
            if other is None:
                raise ValidationError({"number": _("No such ticket.")})
            merging.set_link(ticket, other=other, actor=desk_user(request), linked=linked)
            return _answer(request, number, "panel_done")
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _answer(request, number, "panel", status=422, link_form=form)


@agent_required
@require_POST
def snooze(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    form = SnoozeForm(request.POST)
    try:
        if form.is_valid():
            snoozing.snooze(ticket, actor=desk_user(request), until=form.moment())
            return _answer(request, number, "panel_done")
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _answer(request, number, "panel", status=422, snooze_form=form)


@agent_required
@require_POST
def bulk_merge_view(request: HttpRequest) -> HttpResponse:
    """From the list's bulk bar: without `into`, the confirm page (the oldest ticket chosen);
    with it, merge every ticked ticket into it."""
    form = BulkMergeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(request)
    user = desk_user(request)
    numbers = form.cleaned_data["ticket"]
    into = form.cleaned_data["into"]
    if into is None or request.POST.get("confirm") != "1":
        tickets = list(
            visible_tickets(user)
            .filter(number__in=numbers)
            .select_related("requester", "custom_status")
            .order_by("number")
        )
        context = {"tickets": tickets, "into": into or (tickets[0].number if tickets else None)}
        back = request.POST.get("next", "")
        context["next"] = (
            back if url_has_allowed_host_and_scheme(back, {request.get_host()}) else ""
        )
        return render(request, "desk/bulk_merge.html", context)
    try:
        result = bulk_merge(actor=user, numbers=numbers, into=into)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    merged = len(result.changed)
    messages.success(
        request,
        ngettext(
            "%(count)d ticket merged into #%(into)d.",
            "%(count)d tickets merged into #%(into)d.",
            merged,
        )
        % {"count": merged, "into": into},
    )
    if result.refused:
        refused = ", ".join(f"#{n}: {why}" for n, why in sorted(result.refused.items()))
        messages.warning(request, _("Not merged — %(list)s") % {"list": refused})
    return _go(request, reverse("desk:ticket", args=[into]))
