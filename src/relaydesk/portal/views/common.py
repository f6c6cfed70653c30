"""What every portal view needs: the customer gate, the ticket lookup, the refusal page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.desk.views.common import forbidden
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.services import get_visible_ticket

View = Callable[..., HttpResponseBase]


def customer_required(view: View) -> View:
    """Anonymous visitors go to the portal's sign-in; agents are refused (they use the desk)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if request.user.is_agent:
            refusal = _("The portal is for customers. Agents work in the desk.")
            return forbidden(request, PermissionDenied(refusal))
        return view(request, *args, **kwargs)

    return wrapper


def portal_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def request_or_404(request: HttpRequest, number: int) -> Ticket:
    try:
        return get_visible_ticket(portal_user(request), number)
    except Ticket.DoesNotExist:
        raise Http404(_("No such request.")) from None
