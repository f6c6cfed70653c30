"""`GET /api/v1/search?q=...`: the desk's search box over the API (AP1 on VI3)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from relaydesk.accounts.models import Department, Organization, User
from relaydesk.api import serialize
from relaydesk.api.auth import caller
from relaydesk.api.people import OrganizationOut, UserOut, organization_out, user_out
from relaydesk.api.problems import COMMON
from relaydesk.api.schemas import TicketOut
from relaydesk.search import service

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field(default="", max_length=service.MAX_QUERY)
    sort: Literal["relevance", "date"] = "relevance"
    status: Literal["new", "open", "pending", "on_hold", "solved", "closed"] | None = None
    department: int | None = Field(default=None, ge=1, le=2**62)
    assignee: int | None = Field(default=None, ge=1, le=2**62)
    organization: int | None = Field(default=None, ge=1, le=2**62)
    channel: str | None = Field(default=None, max_length=16)
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    cursor: str | None = Field(default=None, max_length=2000)
    limit: int = Field(default=25, ge=1, le=100)


class SearchHit(Schema):
    ticket: TicketOut
    snippet_html: str | None = Field(
        description="Where the words matched, HTML-escaped, the words in <mark>."
    )


class SearchResults(Schema):
    tickets: list[SearchHit]
    next_cursor: str | None
    contacts: list[UserOut] = Field(description="Agents only, on the first page.")
    organizations: list[OrganizationOut] = Field(description="Agents only, on the first page.")


@router.get("/search", response={200: SearchResults, **COMMON})
def search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Search like the desk's search box: ticket subjects and messages (internal notes for
    agents only), requesters and organizations; a number or an email address works too."""
    user = caller(request)
    filters = service.Filters(
        status=query.status or "",
        department=Department.objects.filter(pk=query.department).first()
        if query.department
        else None,
        assignee=User.objects.filter(pk=query.assignee).first() if query.assignee else None,
        organization=Organization.objects.filter(pk=query.organization).first()
        if query.organization
        else None,
        channel=query.channel or "",
        created_from=query.created_from,
        created_to=query.created_to,
    )
    results = service.search(
        user, query.q, filters=filters, sort=query.sort, after=query.cursor or "", size=query.limit
    )
    agent = user.is_agent
    found = results.page.tickets
    return {
        "tickets": [
            {
                "ticket": data,
                "snippet_html": str(results.snippets[t.pk]) if t.pk in results.snippets else None,
            }
            for t, data in zip(found, serialize.tickets(found, viewer=user), strict=True)
        ],
        "next_cursor": results.page.next_cursor,
        "contacts": [user_out(c) for c in results.contacts] if agent else [],
        "organizations": [organization_out(o) for o in results.organizations] if agent else [],
    }
