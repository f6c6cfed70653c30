"""The desk's search page: a number opens the ticket, anything else lists results by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.search import service
from relaydesk.search.forms import SearchForm


@agent_required
def search_page(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    form = SearchForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    text = data.get("q", "")
    if valid and not (request.GET.get("after") or request.GET.get("before")):
        ticket = service.ticket_for_number(user, text)
        if ticket is not None:
            return redirect("desk:ticket", number=ticket.number)
    results = None
    if valid and (text or any(data.get(n) for n in ("status", "department", "organization"))):
        results = service.search(
            user,
            text,
            filters=service.as_filters(data),
            sort=data.get("sort") or "relevance",
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
    status = 200 if valid else 400
    return render(
        request,
        "search/results.html",
        {"form": form, "results": results, "search_text": text},
        status=status,
    )
