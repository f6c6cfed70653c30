"""Query strings no database can search are refused at the door (PostgreSQL text cannot hold
NUL). Bodies are not read here: the services clean NUL out of what they store, and the API
answers oversized bodies itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def carries_nul(request: HttpRequest) -> bool:
    """A NUL character in the query string, raw or percent-encoded."""
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in query or "%00" in query


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            detail = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                from relaydesk.api.problems import problem

                return problem(400, detail)
            return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
