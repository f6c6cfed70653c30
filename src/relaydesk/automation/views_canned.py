"""Canned responses in the desk (AU4): the screens that keep them, and the ticket page's
composer tools that search and insert them. Macros are in `views_macros.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.automation import canned, owned, placeholders
from relaydesk.automation.forms_canned import CannedForm
from relaydesk.automation.models import CannedResponse
from relaydesk.automation.services import can_edit_rules
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden, ticket_or_404

MAX_QUERY = 200


def _response(request: HttpRequest, response_id: int) -> CannedResponse:
    response = canned.visible_responses(desk_user(request)).filter(pk=response_id).first()
    if response is None:
        raise Http404(_("No such canned response."))
    return response


@agent_required
@require_GET
def response_list(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    query = request.GET.get("q", "")[:MAX_QUERY]
    found = canned.search(user, query) if query else canned.visible_responses(user)
    return render(
        request,
        "automation/canned_list.html",
        {"responses": found, "query": query, "can_share": can_edit_rules(user)},
    )


@agent_required
def response_edit(request: HttpRequest, response_id: int | None = None) -> HttpResponse:
    user = desk_user(request)
    response = _response(request, response_id) if response_id is not None else None
    if response is not None and not owned.can_keep(user, response):
        return forbidden(request, PermissionDenied(_("You may not change this canned response.")))
    if request.method == "POST":
        form = CannedForm(request.POST)
        if form.is_valid():
            try:
                saved = canned.save_response(actor=user, response=response, **form.cleaned_data)
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The canned response is saved."))
                return redirect("automation:response", response_id=saved.pk)
        return editor(request, "automation/canned_edit.html", response, form, status=422)
    initial: dict[str, Any] = {"shared": False}
    if response is not None:
        initial = {
            "title": response.title,
            "body": response.body,
            "language": response.language,
            "shared": response.is_shared,
        }
    return editor(request, "automation/canned_edit.html", response, CannedForm(initial=initial))


def editor(
    request: HttpRequest,
    template: str,
    item: Any,
    form: forms.Form,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """An editor page (canned response or macro) with its form and the placeholders."""
    context = {
        **extra,
        "item": item,
        "form": form,
        "placeholders": placeholders.names(),
        "can_share": can_edit_rules(desk_user(request)),
    }
    return render(request, template, context, status=status)


@agent_required
@require_POST
def response_delete(request: HttpRequest, response_id: int) -> HttpResponse:
    try:
        canned.delete_response(_response(request, response_id), actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    messages.success(request, _("The canned response is deleted."))
    return redirect("automation:responses")


@agent_required
@require_GET
def ticket_responses(request: HttpRequest, number: int) -> HttpResponse:
    """The composer's search box: matching responses for this ticket, its language first."""
    ticket = ticket_or_404(request, number)
    query = request.GET.get("canned", "")[:MAX_QUERY]
    found = canned.search(desk_user(request), query, language=ticket.language)
    return render(
        request, "automation/_canned_results.html", {"ticket": ticket, "responses": found}
    )


@agent_required
@require_GET
def ticket_response_text(request: HttpRequest, number: int, response_id: int) -> HttpResponse:
    """One response's text for this ticket, placeholders filled in, as plain text."""
    ticket = ticket_or_404(request, number)
    try:
        text = canned.render_for(
            _response(request, response_id), ticket=ticket, actor=desk_user(request)
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
