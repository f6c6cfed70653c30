"""Macros in the desk (AU4): every agent keeps personal ones, administrators and supervisors
the shared ones (list, editor with a preview, delete); the ticket page applies them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.automation import macros, owned
from relaydesk.automation.forms_macros import MacroForm
from relaydesk.automation.models import Macro
from relaydesk.automation.views_canned import editor
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden, is_htmx, ticket_or_404


def _macro(request: HttpRequest, macro_id: int | str) -> Macro:
    """A macro this agent sees (shared or their own); another agent's is a 404."""
    try:
        number = int(macro_id)
    except (TypeError, ValueError):
        raise Http404(_("No such macro.")) from None
    found = (
        macros.visible_macros(desk_user(request))
        .select_related("type", "category__parent", "department", "assignee")
        .filter(pk=number)
        .first()
    )
    if found is None:
        raise Http404(_("No such macro."))
    return found


@agent_required
@require_GET
def macro_list(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    found = macros.visible_macros(user).select_related(
        "type", "category__parent", "department", "assignee"
    )
    listed = list(found[: macros.MAX_MACROS_LISTED])
    rows = list(zip(listed, macros.descriptions(listed), strict=True))
    return render(request, "automation/macro_list.html", {"rows": rows})


@agent_required
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    user = desk_user(request)
    macro = _macro(request, macro_id) if macro_id is not None else None
    if macro is not None and not owned.can_keep(user, macro):
        return forbidden(request, PermissionDenied(_("You may not change this macro.")))
    if request.method == "POST":
        form = MacroForm(request.POST, macro=macro)
        if form.is_valid():
            try:
                saved = macros.save_macro(actor=user, macro=macro, **form.macro_fields())
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The macro is saved."))
                return redirect("automation:macro", macro_id=saved.pk)
        return editor(request, "automation/macro_edit.html", macro, form, status=422)
    preview = macros.describe(macro) if macro is not None else []
    return editor(
        request, "automation/macro_edit.html", macro, MacroForm(macro=macro), preview=preview
    )


@agent_required
@require_POST
def macro_preview(request: HttpRequest) -> HttpResponse:
    """What the editor's fields would do, as the list says it; nothing is saved."""
    form = MacroForm(request.POST)
    lines: list[str] = []
    if form.is_valid():
        try:
            built = macros.build_macro(actor=desk_user(request), macro=None, **form.macro_fields())
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            lines = macros.describe(built)
    return render(request, "automation/_macro_preview.html", {"lines": lines, "form": form})


@agent_required
@require_POST
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    try:
        macros.delete_macro(_macro(request, macro_id), actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    messages.success(request, _("The macro is deleted."))
    return redirect("automation:macros")


@agent_required
@require_POST
def apply_macro(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's menu: apply the chosen macro, then back to the ticket (or to the list
    when its transfer took the ticket out of the agent's sight)."""
    ticket = ticket_or_404(request, number)
    macro = _macro(request, request.POST.get("macro", ""))
    try:
        macros.apply_macro(macro, ticket=ticket, actor=desk_user(request))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    url = reverse("desk:ticket", args=[number])
    try:
        ticket_or_404(request, number)
    except Http404:
        url = reverse("desk:home")
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)
