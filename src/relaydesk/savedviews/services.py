"""Saved views: who may see and manage them, and the changes to them (VI1, VI2).

A view stores the list's query parameters; they are checked with the list's own filter form
when saved and again when applied (a department or agent may have gone since)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, FilteredRelation, Max, Q, QuerySet
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Role, User
from relaydesk.desk import listing, reference
from relaydesk.desk.forms import COLUMNS, FIXED_COLUMNS, TicketFilterForm
from relaydesk.savedviews.models import SavedView, ViewPreference
from relaydesk.tickets.models import GROUP_STATUSES
from relaydesk.tickets.visibility import visible_tickets

SCOPE_KEYS = ("group", "queue")
FILTER_KEYS = (*SCOPE_KEYS, *TicketFilterForm.base_fields)
MAX_VIEWS = 100  # per person, shared ones included in the count of what they created
MAX_VALUE = 254


def views_for(user: User) -> QuerySet[SavedView]:
    """The views offered to this person: their own and the shared ones. Customers get none."""
    if not user.is_agent:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(shared=True) | Q(owner=user))


def may_share(user: User) -> bool:
    return user.is_agent and user.role in (Role.ADMIN, Role.SUPERVISOR)


def may_manage(user: User, view: SavedView) -> bool:
    return may_share(user) if view.shared else view.owner_id == user.pk


def _require_manage(actor: User, view: SavedView) -> None:
    if not may_manage(actor, view):
        raise PermissionDenied(_("You may not change this view."))


def clean_filters(params: Mapping[str, Any]) -> dict[str, str]:
    """The known, non-empty list parameters, each checked; anything else is dropped."""
    filters: dict[str, str] = {}
    for key in FILTER_KEYS:
        value = params.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str | int) or len(str(value)) > MAX_VALUE:
            raise ValidationError(_("A filter value is not understood."))
        filters[key] = str(value)
    if filters.get("group", "") not in ("", *GROUP_STATUSES, listing.ARCHIVED):
        raise ValidationError(_("Unknown group."))
    if filters.get("queue", "") not in ("", *listing.QUEUES):
        raise ValidationError(_("Unknown queue."))
    form = TicketFilterForm({k: v for k, v in filters.items() if k not in SCOPE_KEYS})
    if not form.is_valid():
        raise ValidationError(
            _("Some filters are not valid: %(names)s") % {"names": ", ".join(form.errors)}
        )
    return filters


def clean_columns(columns: Iterable[str]) -> list[str]:
    known = [key for key, _label in COLUMNS]
    chosen = set(columns)
    unknown = chosen - set(known)
    if unknown:
        raise ValidationError(_("Unknown columns."))
    # The number and subject always show: they are how a row is opened.
    return [key for key in known if key in chosen or key in FIXED_COLUMNS]


def _clean_sort(sort: str) -> str:
    name, descending = listing.parse_sort(sort or listing.DEFAULT_SORT)
    return ("-" if descending else "") + name


def _clean_name(name: str) -> str:
    name = " ".join(str(name).replace("\x00", "").split())
    if not name:
        raise ValidationError(_("A view needs a name."))
    if len(name) > SavedView._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError(_("The name is too long."))
    return name


@transaction.atomic
def create_view(
    *,
    actor: User,
    name: str,
    filters: Mapping[str, Any],
    columns: Iterable[str] = (),
    sort: str = "",
    shared: bool = False,
) -> SavedView:
    if not actor.is_agent or (shared and not may_share(actor)):
        raise PermissionDenied(_("You may not create this view."))
    if SavedView.objects.filter(owner=actor).count() >= MAX_VIEWS:
        raise ValidationError(_("At most %(max)d views.") % {"max": MAX_VIEWS})
    scope = (
        SavedView.objects.filter(shared=True) if shared else actor.saved_views.filter(shared=False)
    )
    last = scope.aggregate(last=Max("position"))["last"]
    return SavedView.objects.create(
        owner=actor,
        shared=shared,
        name=_clean_name(name),
        filters=clean_filters(filters),
        columns=clean_columns(columns or [key for key, _label in COLUMNS]),
        sort=_clean_sort(sort),
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def update_view(view: SavedView, *, actor: User, **changes: Any) -> SavedView:
    """Change `name`, `filters`, `columns`, `sort` or `hidden`."""
    _require_manage(actor, view)
    unknown = set(changes) - {"name", "filters", "columns", "sort", "hidden"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": _clean_name,
        "filters": clean_filters,
        "columns": clean_columns,
        "sort": _clean_sort,
        "hidden": bool,
    }
    for field, value in changes.items():
        setattr(view, field, cleaners[field](value))
    view.save()
    return view


def sidebar_views(user: User) -> list[SavedView]:
    """The views offered to this person in their own order, each with `hidden_here` (hidden
    for everyone by its owner, or by this person for themselves). The order is the person's
    once they have moved a view, else shared views first in their kept order, then their own."""
    # This person's preferences come joined to the views: one query for the sidebar.
    views: list[SavedView] = list(
        views_for(user)
        .annotate(mine=FilteredRelation("preferences", condition=Q(preferences__user=user)))
        .annotate(kept_position=F("mine__position"), kept_hidden=F("mine__hidden"))
        .order_by("-shared", "position", "id")
    )
    # After every placed view (a preference for a view no longer offered places nothing).
    unplaced = 1 + max((v.kept_position or 0 for v in views), default=0)  # type: ignore[attr-defined]

    def place(item: tuple[int, SavedView]) -> tuple[int, int]:
        index, view = item
        kept: int | None = view.kept_position  # type: ignore[attr-defined]
        return (kept, index) if kept is not None else (unplaced + index, index)

    ordered = [view for _index, view in sorted(enumerate(views), key=place)]
    for view in ordered:
        view.hidden_here = view.hidden or bool(view.kept_hidden)  # type: ignore[attr-defined]
    return ordered


def _offered(user: User, view: SavedView) -> None:
    if not views_for(user).filter(pk=view.pk).exists():
        raise PermissionDenied(_("You may not use this view."))


@transaction.atomic
def hide_view(view: SavedView, *, user: User, hidden: bool) -> None:
    """Hide (or show again) a view in this person's sidebar only."""
    _offered(user, view)
    ViewPreference.objects.update_or_create(user=user, view=view, defaults={"hidden": hidden})


@transaction.atomic
def move_view(view: SavedView, *, actor: User, up: bool) -> None:
    """Swap the view with its neighbour in this person's sidebar; nobody else's changes."""
    _offered(actor, view)
    list(ViewPreference.objects.select_for_update().filter(user=actor))  # one mover at a time
    ordered = sidebar_views(actor)
    index = next(i for i, v in enumerate(ordered) if v.pk == view.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, placed in enumerate(ordered):
        ViewPreference.objects.update_or_create(
            user=actor, view=placed, defaults={"position": position}
        )


@transaction.atomic
def delete_view(view: SavedView, *, actor: User) -> None:
    _require_manage(actor, view)
    view.delete()


def _filters_of(view: SavedView) -> dict[str, Any]:
    """A view's checked filters, kept per process like the lists they are checked against
    (`desk.reference`: a department or status change clears them)."""
    key = f"view-filters:{view.pk}:{json.dumps(view.filters, sort_keys=True)}"
    return reference.cached(key, lambda: listing.clean_filters(view.filters))


def view_counts(user: User, views: Iterable[SavedView]) -> dict[int, tuple[int, bool]]:
    """Per view, its tickets for this person counted up to VIEW_COUNT_CAP (and whether there
    are more), in one statement: each count stops at the cap, so a view over a million rows
    costs no more than one over a hundred. A view whose filter no longer holds counts 0."""
    counts: dict[int, tuple[int, bool]] = {}
    counted: list[SavedView] = []
    querysets = []
    visible = visible_tickets(user)
    for view in views:
        try:
            filters = _filters_of(view)
        except ValidationError:  # a department or custom status gone
            counts[view.pk] = (0, False)
            continue
        querysets.append(listing.tickets_for(user, view.filters, visible=visible, filters=filters))
        counted.append(view)
    found = listing.capped_counts(querysets, listing.VIEW_COUNT_CAP)
    counts.update({view.pk: count for view, count in zip(counted, found, strict=True)})
    return counts
