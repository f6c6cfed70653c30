"""Input no database can store is refused at the door (PostgreSQL text cannot hold NUL)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

NUL_MARKS = (b"\x00", b"%00", b"\\u0000")


def carries_nul(request: HttpRequest) -> bool:
    """A NUL character in the query string, or in a form or JSON body. Multipart bodies are
    not read here (that would consume uploads); their text fields are cleaned by the services."""
    if any(mark.decode() in request.META.get("QUERY_STRING", "") for mark in NUL_MARKS[:2]):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "application/json")):
        return any(mark in request.body for mark in NUL_MARKS)
    return False


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
