"""The bell, the notifications page and the preferences. Every query is the signed-in
agent's own: another person's notification is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.notifications import services
from relaydesk.notifications.forms import PreferencesForm

PAGE_SIZE = 50


@agent_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.listed(desk_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(row, services.describe(row)) for row in page.object_list]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@agent_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The top bar's bell, polled by htmx."""
    return render(
        request, "notifications/_bell.html", {"unread": services.unread_count(desk_user(request))}
    )


@agent_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to its ticket (or back to the list)."""
    row = services.mark_read(desk_user(request), notification_id)
    if row is None:
        raise Http404(_("No such notification."))
    if row.ticket is not None and services.may_see(desk_user(request), row.ticket):
        return redirect("desk:ticket", number=row.ticket.number)
    return redirect("notifications:list")


@agent_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(desk_user(request))
    messages.success(request, _("%(count)d marked as read.") % {"count": count})
    return redirect("notifications:list")


@agent_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    form = PreferencesForm(request.POST or None, initial_choices=services.preferences(user))
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "notifications/preferences.html", {"form": form}, status=422)
        services.save_preferences(user, form.wanted())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
