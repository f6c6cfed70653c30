"""An agent's API tokens: create (shown once), see when each was last used, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.api import tokens
from relaydesk.api.forms import TokenForm
from relaydesk.desk.views.common import agent_required, desk_user


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "secret": secret,
        "tokens": desk_user(request).api_tokens.all(),
    }
    return render(request, "desk/tokens.html", context, status=status)


@agent_required
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            secret = tokens.issue(
                user=desk_user(request),
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _page(request, TokenForm(), secret=secret, status=201)
    return _page(request, form, status=422)


@agent_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if not tokens.revoke(user=desk_user(request), token_id=token_id):
        raise Http404
    messages.success(request, _("The token is revoked."))
    return redirect("desk:tokens")
