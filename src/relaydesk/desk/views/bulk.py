"""Bulk actions on the ticket list (TK14)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relaydesk.desk.forms import BulkForm
from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.tickets.bulk import bulk_update


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/desk/"
    return redirect(target)


@agent_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(request)
    data = form.cleaned_data
    try:
        result = bulk_update(
            actor=desk_user(request),
            numbers=data["ticket"],
            changes=form.changes(),
            add_tags=[data["add_tag"]] if data["add_tag"] else [],
            remove_tags=[data["remove_tag"]] if data["remove_tag"] else [],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    changed = len(result.changed)
    messages.success(
        request,
        ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", changed)
        % {"count": changed},
    )
    if result.refused:
        refused = ", ".join(f"#{n}: {why}" for n, why in sorted(result.refused.items()))
        messages.warning(request, _("Not changed — %(list)s") % {"list": refused})
    return _back(request)
