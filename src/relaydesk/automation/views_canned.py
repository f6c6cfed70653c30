"""Canned responses and macros in the desk (AU4): the screens that keep them, and the ticket
page's composer tools that search, insert and apply them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.automation import canned, placeholders
from relaydesk.automation.forms_canned import CannedForm, MacroForm
from relaydesk.automation.models import CannedResponse, Macro
from relaydesk.automation.services import can_edit_rules
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden, is_htmx, ticket_or_404

MAX_QUERY = 200


def _response(request: HttpRequest, response_id: int) -> CannedResponse:
    response = canned.visible_responses(desk_user(request)).filter(pk=response_id).first()
    if response is None:
        raise Http404(_("No such canned response."))
    return response


def _macro(macro_id: int) -> Macro:
    macro = Macro.objects.filter(pk=macro_id).first()
    if macro is None:
        raise Http404(_("No such macro."))
    return macro


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
    if response is not None and not canned.can_keep(user, response):
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
        return _editor(request, "automation/canned_edit.html", response, form, status=422)
    initial: dict[str, Any] = {"shared": False}
    if response is not None:
        initial = {
            "title": response.title,
            "body": response.body,
            "language": response.language,
            "shared": response.is_shared,
        }
    return _editor(request, "automation/canned_edit.html", response, CannedForm(initial=initial))


def _editor(
    request: HttpRequest, template: str, item: Any, form: forms.Form, *, status: int = 200
) -> HttpResponse:
    context = {
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


def _macro_editor_or_refusal(request: HttpRequest) -> HttpResponse | None:
    if not can_edit_rules(desk_user(request)):
        return forbidden(
            request, PermissionDenied(_("Only administrators and supervisors keep macros."))
        )
    return None


@agent_required
@require_GET
def macro_list(request: HttpRequest) -> HttpResponse:
    if refusal := _macro_editor_or_refusal(request):
        return refusal
    return render(request, "automation/macro_list.html", {"macros": Macro.objects.all()})


@agent_required
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    if refusal := _macro_editor_or_refusal(request):
        return refusal
    macro = _macro(macro_id) if macro_id is not None else None
    if request.method == "POST":
        form = MacroForm(request.POST)
        if form.is_valid():
            try:
                saved = canned.save_macro(
                    actor=desk_user(request), macro=macro, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The macro is saved."))
                return redirect("automation:macro", macro_id=saved.pk)
        return _editor(request, "automation/macro_edit.html", macro, form, status=422)
    initial: dict[str, Any] = {}
    if macro is not None:
        names = ("name", "body", "internal", "status", "priority", "add_tags", "assign_to_me")
        initial = {name: getattr(macro, name) for name in names}
    return _editor(request, "automation/macro_edit.html", macro, MacroForm(initial=initial))


@agent_required
@require_POST
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    try:
        canned.delete_macro(_macro(macro_id), actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    messages.success(request, _("The macro is deleted."))
    return redirect("automation:macros")


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


@agent_required
@require_POST
def apply_macro(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    try:
        macro = _macro(int(request.POST.get("macro", "")))
    except ValueError:
        raise Http404(_("No such macro.")) from None
    try:
        canned.apply_macro(macro, ticket=ticket, actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    url = reverse("desk:ticket", args=[number])
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)
