"""Service-level setup in the desk (`/desk/sla/`): calendars, policies in order, targets and
escalations, for administrators. Supervisors and agents are refused (403): they read the
report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.sla import configuration
from relaydesk.sla.forms_setup import (
    CalendarForm,
    EscalationFormSet,
    FieldConditionFormSet,
    HolidayFormSet,
    OrganizationSearch,
    PolicyForm,
    RangeFormSet,
    TargetFormSet,
    field_initial,
    target_initial,
)
from relaydesk.sla.models import Calendar, Policy


def _refusal(request: HttpRequest) -> HttpResponse | None:
    if not configuration.can_configure(desk_user(request)):
        return forbidden(request, PermissionDenied(_("Only administrators set up service levels.")))
    return None


def _get[M: (Calendar, Policy)](model: type[M], pk: int | None) -> M | None:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


@agent_required
def setup(request: HttpRequest) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    context = {
        "policies": Policy.objects.select_related("calendar").prefetch_related("targets"),
        "calendars": Calendar.objects.prefetch_related("ranges", "holidays"),
    }
    return render(request, "sla/setup.html", context)


@agent_required
def calendar_edit(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    calendar = _get(Calendar, calendar_id)
    data = request.POST if request.method == "POST" else None
    form = CalendarForm(data, instance=calendar)
    ranges = RangeFormSet(data, instance=calendar, prefix="ranges")
    holidays = HolidayFormSet(data, instance=calendar, prefix="holidays")
    # every part is checked, so all their errors show at once
    if data is not None and all([form.is_valid(), ranges.is_valid(), holidays.is_valid()]):
        saved = configuration.save_calendar(
            actor=desk_user(request), form=form, inlines=[ranges, holidays]
        )
        messages.success(request, _("The calendar is saved; open tickets are recomputed."))
        return redirect("sla:calendar", calendar_id=saved.pk)
    context = {"calendar": calendar, "form": form, "ranges": ranges, "holidays": holidays}
    status = 422 if data is not None else 200
    return render(request, "sla/calendar_edit.html", context, status=status)


@agent_required
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    policy = _get(Policy, policy_id)
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, instance=policy)
    fields = FieldConditionFormSet(data, prefix="fields", initial=field_initial(policy))
    targets = TargetFormSet(data, prefix="targets", initial=target_initial(policy))
    escalations = EscalationFormSet(data, instance=policy, prefix="escalations")
    checks = [form.is_valid(), fields.is_valid(), targets.is_valid(), escalations.is_valid()]
    if data is not None and all(checks):
        saved = configuration.save_policy(
            actor=desk_user(request),
            form=form,
            custom_fields=fields.values(),
            tags=form.cleaned_data["tag_names"],
            targets=targets.targets(),
            escalations=escalations,
        )
        messages.success(request, _("The policy is saved; open tickets are recomputed."))
        return redirect("sla:policy", policy_id=saved.pk)
    context = {
        "policy": policy,
        "form": form,
        "fields": fields,
        "targets": targets,
        "escalations": escalations,
    }
    status = 422 if data is not None else 200
    return render(request, "sla/policy_edit.html", context, status=status)


@agent_required
@require_POST
def calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    calendar = _get(Calendar, calendar_id)
    assert calendar is not None
    try:
        configuration.delete_calendar(calendar, actor=desk_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sla:calendar", calendar_id=calendar.pk)
    messages.success(request, _("The calendar is deleted."))
    return redirect("sla:setup")


@agent_required
@require_POST
def policy_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    policy = _get(Policy, policy_id)
    assert policy is not None
    configuration.delete_policy(policy, actor=desk_user(request))
    messages.success(request, _("The policy is deleted."))
    return redirect("sla:setup")


@agent_required
@require_POST
def policy_move(request: HttpRequest, policy_id: int) -> HttpResponse:
    if refusal := _refusal(request):
        return refusal
    policy = _get(Policy, policy_id)
    assert policy is not None
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a policy up or down."))
        return redirect("sla:setup")
    configuration.move_policy(policy, actor=desk_user(request), up=direction == "up")
    return redirect("sla:setup")


@agent_required
def organization_choices(request: HttpRequest) -> HttpResponse:
    """The policy form's organization search (htmx): the ticked ones, then the matches."""
    if refusal := _refusal(request):
        return refusal
    search = OrganizationSearch(request.GET)
    if not search.is_valid():
        context = {"errors": [e for errors in search.errors.values() for e in errors]}
        return render(request, "sla/_organization_choices.html", context, status=400)
    return render(request, "sla/_organization_choices.html", search.choices())
