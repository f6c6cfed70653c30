"""Every failure in one shape: RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_TYPE = "https://relaydesk.org/problems/"
CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """Raised by handlers for a failure that is not a refusal, a missing row or bad input."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})


def problem(
    status: int,
    detail: str,
    *,
    errors: Sequence[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + phrase.lower().replace(" ", "-"),
        "title": phrase,
        "status": status,
        "detail": detail,
        "errors": [{"field": f, "message": m} for f, m in errors],
    }
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(error: DjangoValidationError) -> list[tuple[str, str]]:
    """A service's ValidationError as (field, message) pairs; "" is the whole request."""
    if hasattr(error, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _location(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes the parameter source and the schema's argument name: drop them.
    if parts and parts[0] in {"body", "query", "path", "header", "form", "file", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "query", "filters", "form"}:
            parts = parts[1:]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Map every exception the handlers can raise to its problem document."""

    def on_api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    def on_bad_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(_location(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors]
        return problem(422, _("The request has invalid fields."), errors=errors)

    def on_rule(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem(422, _("The request has invalid fields."), errors=field_errors(exc))

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            401,
            _("Send a valid API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="relaydesk"'},
        )

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, str(exc) or _("You may not do this."))

    def on_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, _("Not found."))

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, int(exc.wait or 1))
        return problem(
            429,
            _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(413, _("The request is too large."))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return problem(400, _("The request is malformed."))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc.message))

    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        ApiProblem: on_api_problem,
        NinjaValidationError: on_bad_input,
        DjangoValidationError: on_rule,
        AuthenticationError: on_unauthenticated,
        PermissionDenied: on_denied,
        Http404: on_missing,
        ObjectDoesNotExist: on_missing,
        Throttled: on_throttled,
        HttpError: on_http_error,
        RequestDataTooBig: on_too_big,
        SuspiciousOperation: on_suspicious,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)


# The failures every operation may answer, for the OpenAPI document.
COMMON = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    413: Problem,
    422: Problem,
    429: Problem,
}
