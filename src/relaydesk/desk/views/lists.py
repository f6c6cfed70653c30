"""The ticket list with its sidebar of groups, queues and saved views."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from relaydesk.desk import listing
from relaydesk.desk.forms import COLUMNS, BulkForm, TicketFilterForm
from relaydesk.desk.views.common import agent_required, desk_user, is_htmx
from relaydesk.savedviews import services as saved
from relaydesk.savedviews.models import SavedView
from relaydesk.tickets.models import StatusGroup
from relaydesk.tickets.visibility import visible_tickets


def _columns(sort: str, descending: bool, shown: list[str] | None) -> list[dict[str, Any]]:
    """Each shown column's heading with the sort a click on it asks for."""
    columns = []
    for key, label in COLUMNS:
        if shown and key not in shown:
            continue
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


def _chosen_view(request: HttpRequest) -> SavedView | None:
    value = request.GET.get("view", "")
    if not value:
        return None
    try:
        return saved.views_for(desk_user(request)).get(pk=int(value))
    except (ValueError, SavedView.DoesNotExist):
        raise Http404(_("No such view.")) from None


def _params(request: HttpRequest, view: SavedView | None) -> QueryDict:
    """The query in force: the view's parameters, overridden by what the address says."""
    params = QueryDict(mutable=True)
    if view is not None:
        params.update({"sort": view.sort, **view.filters})
    for key in request.GET:
        params.setlist(key, request.GET.getlist(key))
    return params


MORE_FILTERS = (
    "type",
    "category",
    "organization",
    *(f"{d}{part}" for d in ("created", "updated") for part in ("", "_from", "_to")),
)


@agent_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    view = _chosen_view(request)
    params = _params(request, view)
    group, queue = listing.scope(params)
    form = TicketFilterForm(params)
    filters = form.cleaned_data if form.is_valid() else {}
    sort, descending = listing.parse_sort(params.get("sort", listing.DEFAULT_SORT))
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
        after=params.get("after", ""),
        before=params.get("before", ""),
    )
    listing.link_each(page.tickets)
    columns = _columns(sort, descending, view.columns if view else None)
    context = {
        "form": form,
        "page": page,
        "group": group,
        "queue": queue,
        "view": view,
        "sort": ("-" if descending else "") + sort,
        "columns": columns,
        "show": {column["key"]: True for column in columns},
        "filtered": any(filters.get(name) not in (None, "") for name in form.fields),
        "more_filtered": any(filters.get(name) for name in MORE_FILTERS),
        "bulk": BulkForm(),
    }
    effective = {
        **{name: params[name] for name in form.fields if params.get(name)},
        **({"group": group} if group else {}),
        **({"queue": queue} if queue else {}),
    }
    context["bulk_query"] = urlencode(effective)
    if page.next_cursor or page.previous_cursor:  # more than a page: offer "all N matching"
        context["matching_count"] = listing.capped_count(tickets, listing.MATCHING_COUNT_CAP)
    if is_htmx(request) and request.headers.get("HX-Target") == "results":
        return render(request, "desk/list.html#results", context)
    views = [v for v in saved.sidebar_views(user) if not v.hidden_here]  # type: ignore[attr-defined]
    context["counts"] = listing.group_counts(user)
    context["groups"] = StatusGroup.choices
    context["views"] = views
    context["view_counts"] = saved.view_counts(user, views)
    context["may_share"] = saved.may_share(user)
    context["save_params"] = effective
    return render(request, "desk/list.html", context)
