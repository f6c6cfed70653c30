"""Canned responses and macros (AP1), through `automation.canned` and `automation.macros`:
agents see the shared responses and their own, keep their own (shared ones: administrators and
supervisors), get one rendered for a ticket, list the shared macros and their own and apply
them to tickets."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from relaydesk.accounts.models import User
from relaydesk.api import conditional, serialize
from relaydesk.api.auth import require_agent, require_write
from relaydesk.api.problems import COMMON
from relaydesk.api.schemas import PriorityName, Ref, TicketOut
from relaydesk.api.tickets import ticket_or_404
from relaydesk.automation import canned, macros, owned
from relaydesk.automation.models import CannedResponse, Macro, MacroAssign

router = Router(tags=["canned responses and macros"])
MAX_PAGE = 100
LanguageOrAny = Literal["", "en", "ru", "ro", "pl", "fa"]


class CannedOut(Schema):
    id: int
    title: str
    body: str = Field(description="With `{{ ticket.number }}`-style placeholders.")
    language: str = Field(description='"" for any language.')
    shared: bool
    updated_at: datetime.datetime


class CannedPage(Schema):
    items: list[CannedOut]
    next_cursor: str | None


class CannedQuery(Schema):
    q: str | None = Field(
        default=None, max_length=200, description="Words in the title or text (one page)."
    )
    language: LanguageOrAny | None = Field(
        default=None, description="With `q`: this language first, then any, then the others."
    )
    cursor: int = Field(default=0, ge=0, le=2**62)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


class CannedIn(Schema):
    title: str = Field(max_length=1000)
    body: str = Field(max_length=100_000)
    language: LanguageOrAny = ""
    shared: bool = Field(default=False, description="Administrators and supervisors only.")


class CannedChange(Schema):
    """Send only what changes."""

    title: str | None = Field(default=None, max_length=1000)
    body: str | None = Field(default=None, max_length=100_000)
    language: LanguageOrAny | None = None
    shared: bool | None = None


class RenderedOut(Schema):
    id: int
    title: str
    text: str = Field(description="The placeholders filled in for the ticket; plain text.")


class MacroOut(Schema):
    """Empty fields (`""`, `null`, `[]`, `{}`) change nothing when the macro is applied."""

    id: int
    name: str
    shared: bool = Field(description="false: the caller's personal macro.")
    language: str = Field(description='"" for any language.')
    body: str = Field(
        description="The reply or note, with `{{ ticket.number }}`-style placeholders."
    )
    internal: bool
    status: str = Field(description='A category or "custom:<id>".')
    priority: PriorityName | None
    type: Ref | None
    category: Ref | None
    department: Ref | None = Field(
        description="Transfer to this department (unassigned there unless `assign` names "
        "an agent or `me`)."
    )
    assign: Literal["", "me", "agent", "nobody"] = Field(
        description='"": unchanged; "me": the agent applying it; "agent": `assignee`; '
        '"nobody": unassign.'
    )
    assignee: Ref | None
    assign_to_me: bool = Field(description='Same as `assign == "me"` (kept for old clients).')
    add_tags: list[str]
    remove_tags: list[str]
    custom_fields: dict[str, Any] = Field(description="Values by custom field key.")


def _out(response: CannedResponse) -> dict[str, Any]:
    return {
        "id": response.pk,
        "title": response.title,
        "body": response.body,
        "language": response.language,
        "shared": response.is_shared,
        "updated_at": response.updated_at,
    }


def _visible(user: User, response_id: int) -> CannedResponse:
    found = canned.visible_responses(user).filter(pk=response_id).first()
    if found is None:
        raise Http404
    return found


def _macro(user: User, macro_id: int) -> Macro:
    found = macros.visible_macros(user).filter(pk=macro_id).first()
    if found is None:
        raise Http404
    return found


def _macro_out(m: Macro) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "shared": m.is_shared,
        "language": m.language,
        "body": m.body,
        "internal": m.internal,
        "status": m.status,
        "priority": None if m.priority is None else serialize.PRIORITY_NAMES.get(m.priority),
        "type": serialize.ref(m.type),
        "category": None if m.category is None else {"id": m.category.pk, "name": str(m.category)},
        "department": serialize.ref(m.department),
        "assign": m.assign,
        "assignee": serialize.ref(m.assignee),
        "assign_to_me": m.assign == MacroAssign.ME,
        "add_tags": m.tag_names,
        "remove_tags": m.removed_tag_names,
        "custom_fields": m.custom_fields,
    }


@router.get("/canned-responses", response={200: CannedPage, **COMMON})
def list_responses(request: HttpRequest, query: Query[CannedQuery]) -> dict[str, Any]:
    """The shared responses and the caller's own. Agents only."""
    user = require_agent(request)
    if query.q:
        found = canned.search(user, query.q, language=query.language or "")
        return {"items": [_out(r) for r in found[: query.limit]], "next_cursor": None}
    rows = list(
        canned.visible_responses(user).filter(pk__gt=query.cursor).order_by("pk")[: query.limit + 1]
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {"items": [_out(r) for r in rows], "next_cursor": str(rows[-1].pk) if more else None}


@router.get("/canned-responses/{response_id}", response={200: CannedOut, **COMMON})
def get_response(request: HttpRequest, response_id: int, response: HttpResponse) -> Any:
    found = _visible(require_agent(request), response_id)
    response["ETag"] = conditional.etag(found)
    return _out(found)


@router.post("/canned-responses", response={201: CannedOut, **COMMON})
def create_response(
    request: HttpRequest, payload: CannedIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    """A personal response, or (`shared`, administrators and supervisors) a shared one."""
    user = require_write(request)
    require_agent(request)
    made = canned.save_response(
        actor=user,
        response=None,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        shared=payload.shared,
    )
    response["ETag"] = conditional.etag(made)
    return Status(201, _out(made))


@router.patch(
    "/canned-responses/{response_id}",
    response={200: CannedOut, **conditional.PRECONDITIONS, **COMMON},
)
def update_response(
    request: HttpRequest,
    response_id: int,
    payload: CannedChange,
    response: HttpResponse,
    if_match: str | None = conditional.IF_MATCH,
) -> dict[str, Any]:
    """Change your own response (or a shared one, as an administrator or supervisor).
    `If-Match` is required."""
    user = require_write(request)
    require_agent(request)
    found = _visible(user, response_id)
    with transaction.atomic():
        locked = CannedResponse.objects.select_for_update().get(pk=found.pk)
        if owned.can_keep(user, locked):  # otherwise the service refuses (403), not a 428
            conditional.require_match(if_match, locked)
        saved = canned.save_response(
            actor=user,
            response=locked,
            title=locked.title if payload.title is None else payload.title,
            body=locked.body if payload.body is None else payload.body,
            language=locked.language if payload.language is None else payload.language,
            shared=locked.is_shared if payload.shared is None else payload.shared,
        )
    response["ETag"] = conditional.etag(saved)
    return _out(saved)


@router.delete("/canned-responses/{response_id}", response={204: None, **COMMON})
def delete_response(request: HttpRequest, response_id: int) -> Status[None]:
    user = require_write(request)
    require_agent(request)
    canned.delete_response(_visible(user, response_id), actor=user)
    return Status(204, None)


@router.get(
    "/tickets/{number}/canned-responses/{response_id}", response={200: RenderedOut, **COMMON}
)
def render_response(request: HttpRequest, number: int, response_id: int) -> dict[str, Any]:
    """A response's text for this ticket, placeholders filled in, ready to send as a reply."""
    user = require_agent(request)
    ticket = ticket_or_404(request, number)
    found = _visible(user, response_id)
    return {
        "id": found.pk,
        "title": found.title,
        "text": canned.render_for(found, ticket=ticket, actor=user),
    }


@router.get("/macros", response={200: list[MacroOut], **COMMON})
def list_macros(request: HttpRequest) -> list[dict[str, Any]]:
    """The shared macros and the caller's own. Agents only."""
    user = require_agent(request)
    found = macros.visible_macros(user).select_related(
        "type", "category__parent", "department", "assignee"
    )
    return [_macro_out(m) for m in found[: macros.MAX_MACROS_LISTED]]


@router.post("/tickets/{number}/macros/{macro_id}", response={200: TicketOut, **COMMON})
def apply_macro(
    request: HttpRequest, number: int, macro_id: int, response: HttpResponse
) -> dict[str, Any]:
    """Apply a macro (shared, or the caller's own): its reply or note and its changes in one
    step, all or nothing; a part the caller may not do (read-only access, a transfer the
    target department refuses) refuses the whole. Each part is a history line of its own, as
    in the desk. The answer is the ticket after it. Another agent's personal macro is a 404."""
    user = require_write(request)
    require_agent(request)
    ticket = ticket_or_404(request, number)
    applied = macros.apply_macro(_macro(user, macro_id), ticket=ticket, actor=user)
    # A transfer may take the ticket out of the caller's sight: then the answer is the ticket
    # as their own action left it (later reads are 404).
    try:
        fresh = ticket_or_404(request, number)
    except Http404:
        fresh = applied
    response["ETag"] = conditional.etag(fresh)
    return serialize.ticket(fresh, viewer=user)
