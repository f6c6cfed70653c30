"""The one search interface (VI3): what a person typed → a ticket to open, or results by kind.

A ticket number opens the ticket; an email address finds the contact and their tickets; words
search tickets (subjects, every message, attachment file names, requester and organization;
internal notes for agents only), contacts, organizations and the registered sources (the
knowledge base). Every ticket comes through `visible_tickets`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from relaydesk.accounts.models import ContactEmail, Department, Organization, Role, User
from relaydesk.desk import listing
from relaydesk.search.backends import START, STOP, AnyOf, backend, words
from relaydesk.search.sources import SOURCES, Hit
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import visible_tickets

MAX_QUERY = 200
FEW_MATCHES = 10_000  # at most this many matches are fetched from the index at once
RANK_CANDIDATES = 500  # relevance orders the newest this many matches (docs/architecture.md)
PEOPLE_LIMIT = 8
CONTACT_CANDIDATES = 200  # customers matching the words, checked for a visible ticket
_NUMBER = re.compile(r"#?(\d{1,18})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class Filters:
    status: str = ""
    department: Department | None = None
    assignee: User | None = None
    channel: str = ""
    organization: Organization | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None


@dataclass
class Results:
    text: str
    page: listing.Page
    snippets: dict[int, SafeString] = field(default_factory=dict)
    contacts: list[User] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    sources: list[tuple[str, list[Hit]]] = field(default_factory=list)


def mark(snippet: str) -> SafeString:
    """Escape a snippet, then turn the backend's markers into <mark>."""
    html = escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 — escaped just above; only our markers become tags


def ticket_for_number(user: User, text: str) -> Ticket | None:
    """The visible ticket whose number was typed ("12345" or "#12345")."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    return visible_tickets(user).filter(number=int(match.group(1))).first()


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text.strip()) is not None


def _filtered(tickets: QuerySet[Ticket], filters: Filters) -> QuerySet[Ticket]:
    if filters.status == listing.ARCHIVED:
        tickets = tickets.filter(archived_at__isnull=False)
    elif filters.status:
        tickets = tickets.filter(status=filters.status)
    for name in ("department", "assignee", "organization"):
        if getattr(filters, name) is not None:
            tickets = tickets.filter(**{name: getattr(filters, name)})
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    if filters.created_from:
        tickets = tickets.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        tickets = tickets.filter(created_at__date__lte=filters.created_to)
    return tickets


def _contacts(user: User, text: str) -> list[User]:
    customers = User.objects.filter(role=Role.CUSTOMER, is_active=True)
    if is_email(text):
        address = text.strip().lower()
        # The further addresses first (their unique index): an OR across the join, or with
        # a subquery, reads every customer; an OR of two indexed equalities does not.
        extra = (
            ContactEmail.objects.filter(email=address).order_by().values_list("user_id", flat=True)
        )
        customers = customers.filter(Q(email=address) | Q(pk__in=list(extra)))
    else:
        for word in words(text):
            customers = customers.filter(Q(name__icontains=word) | Q(email__istartswith=word))
        # The matches first, unordered, so the trigram indexes answer them (ordered by name,
        # the planner walks every customer instead); then order the first few hundred.
        matched = customers.order_by().values_list("pk", flat=True)[:CONTACT_CANDIDATES]
        customers = User.objects.filter(pk__in=list(matched))
    seen = visible_tickets(user).filter(requester=OuterRef("pk"))
    return list(customers.filter(Exists(seen)).order_by("name", "email")[:PEOPLE_LIMIT])


def _organizations(text: str) -> list[Organization]:
    if is_email(text) or not words(text):
        return []
    organizations = Organization.objects.all()
    for word in words(text):
        organizations = organizations.filter(name__icontains=word)
    return list(organizations.order_by("name")[:PEOPLE_LIMIT])


SORTS = ("relevance", "date")


def search(
    user: User,
    text: str,
    *,
    filters: Filters | None = None,
    sort: str = "relevance",
    after: str = "",
    before: str = "",
    size: int | None = None,
) -> Results:
    """One page of tickets (keyset, no cap) and, on the first page, the other kinds."""
    text = text.strip()[:MAX_QUERY]
    filters = filters or Filters()
    notes = user.is_agent
    engine = backend()
    tickets = _filtered(visible_tickets(user), filters)
    email = is_email(text)
    if email:  # addresses are kept lower-cased: the unique index on users.email answers
        tickets = tickets.filter(requester__email=text.lower())
    elif words(text):
        few = engine.few_matches(text, notes=notes, cap=FEW_MATCHES)
        if few is not None:  # rare words: the index's answer, not a walk over every ticket
            tickets = tickets.filter(AnyOf(F("pk"), few))
        else:
            tickets = tickets.filter(engine.condition(text, notes=notes))
    keys: dict[str, listing.SortKey] = dict(listing.SORT_KEYS)
    if sort == "relevance" and words(text) and not email:
        # Ranked among the newest RANK_CANDIDATES matches, not all of them: a common word
        # matches most of a million tickets, and ranking them all costs seconds.
        newest = tickets.order_by("-updated_at", "-id").values("pk")[:RANK_CANDIDATES]
        tickets = Ticket.objects.filter(pk__in=newest)
        keys["relevance"] = listing.SortKey(engine.rank(text, notes=notes), float)
        key, descending = "relevance", True
    else:
        key, descending = "updated", True
    page = listing.paginate(
        tickets,
        sort=key,
        descending=descending,
        size=size or settings.TICKET_LIST_PAGE_SIZE,
        after=after,
        before=before,
        keys=keys,
        tags=False,  # the hits show none; the API's serializer reads them in bulk itself
    )
    results = Results(text=text, page=page)
    if words(text) and not email:
        ids = [t.pk for t in page.tickets]
        found = engine.snippets(ids, text, notes=notes)
        results.snippets = {pk: mark(snippet) for pk, snippet in found.items()}
    if text and not (after or before):
        results.contacts = _contacts(user, text)
        results.organizations = _organizations(text)
        for source in SOURCES.values():
            hits = source.find(user, text)
            if hits:
                results.sources.append((source.label, hits))
    return results


def as_filters(data: dict[str, Any]) -> Filters:
    return Filters(**{k: v for k, v in data.items() if k in Filters.__dataclass_fields__ and v})
