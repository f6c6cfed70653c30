"""What every desk view needs: the agent gate, htmx detection, the refusal page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.desk.forms import LanguageForm
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.services import get_visible_ticket

View = Callable[..., HttpResponseBase]


def agent_required(view: View) -> View:
    """Anonymous visitors go to the sign-in page; signed-in customers are refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_agent:
            refusal = _("The desk is for agents. Customers use the support portal.")
            return forbidden(request, PermissionDenied(refusal))
        return view(request, *args, **kwargs)

    return wrapper


def desk_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    """The 403 page with the service's reason (desk.js shows it in the flash bar on htmx)."""
    message = str(error) or _("You may not do this.")
    return render(request, "errors/403.html", {"message": message}, status=403)


def ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    try:
        return get_visible_ticket(desk_user(request), number)
    except Ticket.DoesNotExist:
        raise Http404(_("No such ticket.")) from None


def switch_language(request: HttpRequest, user: User, *, fallback: str) -> HttpResponse:
    """The top bar's language switcher, for agents and customers alike: the language is kept
    on the person (pages and mails follow it), then the browser goes back where it was."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        user.language = form.cleaned_data["language"]
        user.save(update_fields=["language"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = fallback
    return HttpResponseRedirect(back)
