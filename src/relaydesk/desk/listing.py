"""The desk's ticket list: filters, sorting and keyset pagination.

A page is found from a cursor (the sort value and id of the row it starts after), never by
OFFSET, and nothing counts the whole list: page N costs what page 1 costs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Expression, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from relaydesk.accounts.models import User
from relaydesk.desk import reference
from relaydesk.desk.forms import TicketFilterForm
from relaydesk.sla.hours import FAR_FUTURE
from relaydesk.sla.states import filter_state
from relaydesk.tickets.models import GROUP_STATUSES, StatusGroup, Ticket
from relaydesk.tickets.services import parse_status
from relaydesk.tickets.visibility import visible_tallies, visible_tickets

CURSOR_SALT = "relaydesk.desk.cursor"
QUEUES = ("mine", "unassigned")
ARCHIVED = "archived"  # a scope beside the three groups: archived tickets show only there
VIEW_COUNT_CAP = 99
MATCHING_COUNT_CAP = 1_000  # "all N matching" in the bulk bar; beyond it "1000+"
LINK_PLACEHOLDER = 987654321  # stands for a ticket number in a reversed address
OPEN_STATUSES = (*GROUP_STATUSES[StatusGroup.ACTIVE], *GROUP_STATUSES[StatusGroup.WAITING])
STATUS_GROUP = {status: group for group, statuses in GROUP_STATUSES.items() for status in statuses}


@dataclass(frozen=True)
class SortKey:
    expression: Expression | F
    parse: Callable[[Any], Any]
    dump: Callable[[Any], Any] = lambda value: value


def _as_datetime(value: Any) -> datetime.datetime:
    return datetime.datetime.fromisoformat(str(value))


SORT_KEYS: dict[str, SortKey] = {
    "number": SortKey(F("number"), int),
    "subject": SortKey(F("subject"), str),
    "requester": SortKey(F("requester__email"), str),
    "status": SortKey(F("status"), str),
    "priority": SortKey(F("priority"), int),
    "assignee": SortKey(Coalesce(F("assignee__name"), Value("")), str),
    "updated": SortKey(F("updated_at"), _as_datetime, lambda v: v.isoformat()),
    "created": SortKey(F("created_at"), _as_datetime, lambda v: v.isoformat()),
    # The next SLA due time; tickets without a running clock last.
    "due": SortKey(
        Coalesce(F("sla__due_at"), Value(FAR_FUTURE)), _as_datetime, lambda v: v.isoformat()
    ),
}
DEFAULT_SORT = "-updated"


@dataclass
class Page:
    tickets: list[Ticket]
    next_cursor: str | None
    previous_cursor: str | None


def group_counts(user: User) -> dict[str, int]:
    """Exact counts for the sidebar over what this person may see, from the ticket tally
    (a few hundred rows, kept by triggers) rather than from the tickets themselves."""
    counts = dict.fromkeys((*GROUP_STATUSES, ARCHIVED, "mine", "unassigned"), 0)
    totals = (
        visible_tallies(user)
        .values("status", "assignee_key")
        .annotate(total=Sum("n"))
        .values_list("status", "assignee_key", "total")
    )
    for status, assignee_key, total in totals:
        counts[STATUS_GROUP.get(status, ARCHIVED)] += total
        if status in OPEN_STATUSES and assignee_key in (0, user.pk):
            counts["mine" if assignee_key else "unassigned"] += total
    return counts


def capped_count(tickets: QuerySet[Ticket], cap: int) -> tuple[int, bool]:
    """How many rows, counted no further than `cap`, and whether there are more."""
    return capped_counts([tickets], cap)[0]


def capped_counts(querysets: Sequence[QuerySet[Ticket]], cap: int) -> list[tuple[int, bool]]:
    """`capped_count` of each queryset, all in one statement (one round trip for a sidebar)."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for n, tickets in enumerate(querysets):
        sql, values = tickets.values("pk")[: cap + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{n})")  # noqa: S608 (Django-compiled SQL, values as parameters)
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [(min(found, cap), found > cap) for found in row]


def scope(params: Mapping[str, Any]) -> tuple[str, str]:
    """The (group, queue) a query asks for; with neither, the active group."""
    group = params.get("group", "")
    queue = params.get("queue", "")
    if queue not in QUEUES:
        queue = ""
    if group not in (*GROUP_STATUSES, ARCHIVED):
        group = "" if (queue or params.get("status")) else StatusGroup.ACTIVE
    return group, queue


def clean_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """A saved view's parameters as filters; ValidationError when one no longer holds (a
    department or a custom status gone)."""
    form = TicketFilterForm(params)
    if not form.is_valid():
        raise ValidationError(list(form.errors))
    return form.cleaned_data


def tickets_for(
    user: User,
    params: Mapping[str, Any],
    *,
    visible: QuerySet[Ticket] | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Ticket]:
    """What a saved view's parameters show this person. `visible` (the person's
    `visible_tickets`) and `filters` (`clean_filters(params)`) save the work when known."""
    if filters is None:
        filters = clean_filters(params)
    group, queue = scope(params)
    return filter_tickets(
        visible_tickets(user) if visible is None else visible,
        user=user,
        group=group,
        queue=queue,
        filters=filters,
    )


def filter_tickets(
    tickets: QuerySet[Ticket], *, user: User, group: str, queue: str, filters: dict[str, Any]
) -> QuerySet[Ticket]:
    if queue == "mine":
        tickets = tickets.filter(assignee=user)
    elif queue == "unassigned":
        tickets = tickets.filter(assignee=None)
    # Archived tickets (all closed) leave the Closed group for their own (TK13); a status
    # filter without a group, the API and search still find them.
    if group == ARCHIVED:
        tickets = tickets.filter(archived_at__isnull=False)
    elif group == StatusGroup.CLOSED:
        tickets = tickets.filter(archived_at=None)
    if group in GROUP_STATUSES:
        tickets = tickets.filter(status__in=GROUP_STATUSES[group])
    elif queue:
        tickets = tickets.filter(status__in=OPEN_STATUSES)  # IN, not NOT IN: the index serves it
    if filters.get("status"):
        status, custom = parse_status(filters["status"])
        tickets = tickets.filter(status=status)
        if custom is not None:
            tickets = tickets.filter(custom_status=custom)
    for name in ("priority", "department", "assignee", "channel"):
        if filters.get(name) not in (None, ""):
            tickets = tickets.filter(**{name: filters[name]})
    if filters.get("tag"):
        tickets = tickets.filter(tags__name=filters["tag"].strip().lower().lstrip("#"))
    if filters.get("requester"):
        tickets = tickets.filter(requester__email=filters["requester"].strip().lower())
    if filters.get("sla"):
        tickets = filter_state(tickets, filters["sla"], timezone.now())
    if filters.get("type"):
        tickets = tickets.filter(type=filters["type"])
    if filters.get("category"):
        category = filters["category"]
        tickets = tickets.filter(Q(category=category) | Q(category__parent=category))
    if filters.get("organization"):
        tickets = tickets.filter(organization=filters["organization"])
    for column in ("created", "updated"):
        tickets = tickets.filter(
            _period(
                f"{column}_at",
                filters.get(column) or "",
                filters.get(f"{column}_from"),
                filters.get(f"{column}_to"),
            )
        )
    return tickets


def _period(
    column: str, relative: str, start: datetime.date | None, end: datetime.date | None
) -> Q:
    """A relative period (`last_7`, `over_30`: rolling, from now) and an absolute range of
    days, inclusive, in the viewer's time zone."""
    condition = Q()
    now = timezone.now()
    if relative:
        kind, _sep, days = relative.partition("_")
        moment = now - datetime.timedelta(days=int(days))
        condition &= Q(**{f"{column}__gte" if kind == "last" else f"{column}__lt": moment})
    if start:
        condition &= Q(**{f"{column}__gte": _day_start(start)})
    if end:
        condition &= Q(**{f"{column}__lt": _day_start(end + datetime.timedelta(days=1))})
    return condition


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def parse_sort(value: str) -> tuple[str, bool]:
    """`"-updated"` → ("updated", descending). Unknown keys fall back to the default."""
    descending = value.startswith("-")
    name = value.removeprefix("-")
    if name not in SORT_KEYS:
        return parse_sort(DEFAULT_SORT)
    return name, descending


def make_cursor(sort: str, ticket: Ticket, keys: Mapping[str, SortKey] = SORT_KEYS) -> str:
    value = keys[sort].dump(ticket.sort_value)  # type: ignore[attr-defined]
    return signing.dumps([sort, value, ticket.pk], salt=CURSOR_SALT, compress=True)


def read_cursor(
    sort: str, cursor: str, keys: Mapping[str, SortKey] = SORT_KEYS
) -> tuple[Any, int] | None:
    """The (sort value, id) a cursor holds, or None when it is forged, stale or for another
    sort."""
    try:
        name, value, pk = signing.loads(cursor, salt=CURSOR_SALT)
        if name != sort:
            return None
        return keys[sort].parse(value), int(pk)
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None


def paginate(
    tickets: QuerySet[Ticket],
    *,
    sort: str,
    descending: bool,
    size: int,
    after: str = "",
    before: str = "",
    keys: Mapping[str, SortKey] = SORT_KEYS,
    related: bool = True,
    tags: bool = True,
) -> Page:
    """One page of `size` tickets after (or before) a cursor, in one query plus the tags
    (departments and custom statuses come from the process's reference lists).
    `keys` lets another list (search) bring sort keys of its own, such as relevance.
    `related=False` leaves out the people, the SLA clock and the tags, for a caller that reads
    them in bulk itself (the API's `serialize.tickets`); with them, each row's tags are its
    `tag_list` unless `tags=False` (the search hits show none)."""
    key = keys[sort]
    tickets = tickets.annotate(sort_value=key.expression)
    backwards = bool(before) and not after
    cursor = before if backwards else after
    position = read_cursor(sort, cursor, keys) if (after or before) else None
    forward_desc = descending != backwards  # walking backwards flips the order
    if position is not None:
        value, pk = position
        if forward_desc:
            tickets = tickets.filter(sort_value__lte=value).filter(
                Q(sort_value__lt=value) | Q(sort_value=value, id__lt=pk)
            )
        else:
            tickets = tickets.filter(sort_value__gte=value).filter(
                Q(sort_value__gt=value) | Q(sort_value=value, id__gt=pk)
            )
    tickets = tickets.order_by(*(("-sort_value", "-id") if forward_desc else ("sort_value", "id")))
    if related:
        # Joins only where rows differ; each join multiplies PostgreSQL's planning time.
        # The tags as a plain list (`ticket.tag_list`): a prefetch into the related manager
        # builds a manager and a queryset per row, three times the cost of the tags' query.
        tickets = tickets.select_related("requester", "assignee", "sla")
        if tags:
            tickets = tickets.prefetch_related(Prefetch("tags", to_attr="tag_list"))
    rows: list[Ticket] = list(tickets[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    _attach_reference(rows)
    if backwards:
        rows.reverse()
    started = position is not None
    has_next = more if not backwards else started
    has_previous = (more if backwards else started) and bool(rows)
    return Page(
        tickets=rows,
        next_cursor=make_cursor(sort, rows[-1], keys) if rows and has_next else None,
        previous_cursor=make_cursor(sort, rows[0], keys) if rows and has_previous else None,
    )


def _attach_reference(rows: list[Ticket]) -> None:
    """Each row's department and custom status from the reference lists, not a query."""
    departments = {d.pk: d for d in reference.departments()}
    statuses = (
        {s.pk: s for s in reference.custom_statuses()}
        if any(t.custom_status_id for t in rows)
        else {}
    )
    for ticket in rows:
        if ticket.department_id is not None:
            ticket.department = departments.get(ticket.department_id) or ticket.department
        if ticket.custom_status_id is not None:
            ticket.custom_status = statuses.get(ticket.custom_status_id) or ticket.custom_status


def link_each(tickets: list[Ticket]) -> None:
    """Give each listed ticket its desk address (`desk_url`) with one URL reversal per page
    rather than one per row."""
    pattern = reverse("desk:ticket", args=[LINK_PLACEHOLDER])
    for ticket in tickets:
        ticket.desk_url = pattern.replace(str(LINK_PLACEHOLDER), str(ticket.number))  # type: ignore[attr-defined]
