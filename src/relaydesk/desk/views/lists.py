"""The ticket list with its sidebar of groups and queues."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from relaydesk.desk import listing
from relaydesk.desk.forms import TicketFilterForm
from relaydesk.desk.views.common import agent_required, desk_user, is_htmx
from relaydesk.tickets.models import GROUP_STATUSES, StatusGroup
from relaydesk.tickets.visibility import visible_tickets

COLUMNS = (
    ("number", _("#")),
    ("subject", _("Subject")),
    ("requester", _("Requester")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    ("assignee", _("Assignee")),
    ("due", _("SLA")),
    ("updated", _("Updated")),
    ("created", _("Created")),
)


def _columns(sort: str, descending: bool) -> list[dict[str, Any]]:
    """Each column's heading with the sort a click on it asks for."""
    columns = []
    for key, label in COLUMNS:
        active = key == sort
        next_sort = key if active and descending else f"-{key}"
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": descending,
                "next": next_sort,
            }
        )
    return columns


@agent_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    group = request.GET.get("group", "")
    queue = request.GET.get("queue", "")
    if queue not in listing.QUEUES:
        queue = ""
    if group not in GROUP_STATUSES:
        group = "" if (queue or request.GET.get("status")) else StatusGroup.ACTIVE
    form = TicketFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    sort, descending = listing.parse_sort(request.GET.get("sort", listing.DEFAULT_SORT))
    try:
        tickets = listing.filter_tickets(
            visible_tickets(user), user=user, group=group, queue=queue, filters=filters
        )
    except ValidationError as error:  # a custom status that no longer exists
        form.add_error("status", error.messages)
        tickets = listing.filter_tickets(
            visible_tickets(user), user=user, group=group, queue=queue, filters={}
        )
    page = listing.paginate(
        tickets,
        sort=sort,
        descending=descending,
        size=settings.TICKET_LIST_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    context = {
        "form": form,
        "page": page,
        "group": group,
        "queue": queue,
        "sort": ("-" if descending else "") + sort,
        "columns": _columns(sort, descending),
        "filtered": any(filters.get(name) not in (None, "") for name in form.fields),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "desk/list.html#results", context)
    context["counts"] = listing.group_counts(user)
    context["groups"] = StatusGroup.choices
    return render(request, "desk/list.html", context)
