"""Saved views (VI1, VI2): save the list's filters, then edit, reorder, hide or delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.forms import SavedViewEditForm, SavedViewForm, TicketFilterForm
from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.savedviews import services
from relaydesk.savedviews.models import SavedView


def _offered(request: HttpRequest, view_id: int) -> SavedView:
    """A view offered to this person; one they cannot even see is unknown to them."""
    try:
        return services.views_for(desk_user(request)).get(pk=view_id)
    except SavedView.DoesNotExist:
        raise Http404(_("No such view.")) from None


def _managed(request: HttpRequest, view_id: int) -> SavedView:
    """A view this person may change."""
    view = _offered(request, view_id)
    if not services.may_manage(desk_user(request), view):
        raise PermissionDenied(_("You may not change this view."))
    return view


def describe(filters: dict[str, str]) -> list[str]:
    """The filters as a person reads them: "Priority: Urgent", "Queue: Mine"."""
    fields = {**SavedViewEditForm().fields, **TicketFilterForm().fields}
    described = []
    for key, value in filters.items():
        field = fields.get(key)
        if field is None:
            continue
        shown: object = value
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            shown = field.queryset.filter(pk=value).first() or value
        elif isinstance(field, forms.ChoiceField):
            choices = cast(Iterable[tuple[object, object]], field.choices)
            shown = {str(k): v for k, v in choices}.get(value, value)
        described.append(f"{field.label}: {shown}")
    return described


def _opened(view: SavedView) -> str:
    return f"{reverse('desk:home')}?view={view.pk}"


@agent_required
def view_list(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    views = services.sidebar_views(user)
    for view in views:
        view.description = describe(view.filters)  # type: ignore[attr-defined]
        view.managed = services.may_manage(user, view)  # type: ignore[attr-defined]
    context = {
        "personal": [v for v in views if not v.shared],
        "shared": [v for v in views if v.shared],
    }
    return render(request, "desk/views.html", context)


@agent_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """'Save this view' under the list: the list's current filters under a name."""
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A view needs a name of at most 80 characters."))
        return redirect("desk:home")
    try:
        view = services.create_view(
            actor=desk_user(request),
            name=form.cleaned_data["name"],
            filters=request.POST,
            sort=request.POST.get("sort", ""),
            shared=form.cleaned_data["shared"],
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("desk:home")
    messages.success(request, _("The view is saved."))
    return redirect(_opened(view))


@agent_required
def edit(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        view = _managed(request, view_id)
    except PermissionDenied as error:
        return forbidden(request, error)
    if request.method == "POST":
        form = SavedViewEditForm(request.POST)
        filters = TicketFilterForm(request.POST, prefix="f")
        if form.is_valid() and filters.is_valid():
            data = form.cleaned_data
            params = {
                name: request.POST.get(filters.add_prefix(name), "") for name in filters.fields
            }
            params.update(group=data["group"], queue=data["queue"])
            try:
                services.update_view(
                    view,
                    actor=desk_user(request),
                    name=data["name"],
                    filters=params,
                    columns=data["columns"],
                    sort=data["sort"],
                    hidden=data["hidden"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The view is saved."))
                return redirect(_opened(view))
        status = 422
    else:
        initial = {
            "name": view.name,
            "group": view.filters.get("group", ""),
            "queue": view.filters.get("queue", ""),
            "columns": view.columns,
            "sort": view.sort,
            "hidden": view.hidden,
        }
        form = SavedViewEditForm(initial=initial)
        filters = TicketFilterForm(initial=view.filters, prefix="f")
        status = 200
    context = {"view": view, "form": form, "filters": filters}
    return render(request, "desk/view_edit.html", context, status=status)


@agent_required
@require_POST
def manage(request: HttpRequest, view_id: int) -> HttpResponse:
    """The buttons of the views page: up, down, hide, show (in this person's own sidebar, for
    any view offered to them) and delete (for those who manage the view)."""
    actor = desk_user(request)
    view = _offered(request, view_id)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.move_view(view, actor=actor, up=action == "up")
        elif action in ("hide", "show"):
            services.hide_view(view, user=actor, hidden=action == "hide")
        elif action == "delete":
            services.delete_view(view, actor=actor)
            messages.success(request, _("The view is deleted."))
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied as error:
        return forbidden(request, error)
    return redirect("desk:views")
