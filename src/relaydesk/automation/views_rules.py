"""Trigger screens in the desk: list, edit without JSON, delete, dry run (AU1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.automation import rules, services
from relaydesk.automation.forms import ActionFormSet, ConditionFormSet, TriggerForm
from relaydesk.automation.models import Trigger
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden


def _editor_or_refusal(request: HttpRequest) -> HttpResponse | None:
    if not services.can_edit_rules(desk_user(request)):
        return forbidden(
            request, PermissionDenied(_("Only administrators and supervisors edit rules."))
        )
    return None


def _trigger(trigger_id: int) -> Trigger:
    trigger = Trigger.objects.filter(pk=trigger_id).first()
    if trigger is None:
        raise Http404(_("No such rule."))
    return trigger


@agent_required
def trigger_list(request: HttpRequest) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    triggers = Trigger.objects.prefetch_related("conditions", "actions")
    return render(request, "automation/trigger_list.html", {"triggers": triggers})


@agent_required
def trigger_edit(request: HttpRequest, trigger_id: int | None = None) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    trigger = _trigger(trigger_id) if trigger_id is not None else None
    if request.method == "POST":
        form = TriggerForm(request.POST)
        conditions = ConditionFormSet(request.POST, prefix="c")
        actions = ActionFormSet(request.POST, prefix="a")
        if form.is_valid() and conditions.is_valid() and actions.is_valid():
            try:
                saved = services.save_trigger(
                    actor=desk_user(request),
                    trigger=trigger,
                    conditions=[c for f in conditions if (c := f.row()) is not None],
                    actions=[a for f in actions if (a := f.row()) is not None],
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("automation:trigger", trigger_id=saved.pk)
        return _editor(request, trigger, form, conditions, actions, status=422)
    initial = {"on": "created", "match": "all", "position": 0, "is_active": True}
    if trigger is not None:
        initial = {
            "name": trigger.name,
            "on": trigger.on,
            "match": trigger.match,
            "position": trigger.position,
            "is_active": trigger.is_active,
        }
    form = TriggerForm(initial=initial)
    conditions = ConditionFormSet(
        prefix="c",
        initial=[
            {"field": c.field, "operator": c.operator, "value": c.value}
            for c in (trigger.conditions.all() if trigger else [])
        ],
    )
    actions = ActionFormSet(
        prefix="a",
        initial=[
            {"kind": a.kind, "value": a.value} for a in (trigger.actions.all() if trigger else [])
        ],
    )
    return _editor(request, trigger, form, conditions, actions)


def _editor(
    request: HttpRequest,
    trigger: Trigger | None,
    form: TriggerForm,
    conditions: BaseFormSet[Any],
    actions: BaseFormSet[Any],
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "trigger": trigger,
        "form": form,
        "conditions": conditions,
        "actions": actions,
        "placeholders": rules.placeholders.names(),
    }
    return render(request, "automation/trigger_edit.html", context, status=status)


@agent_required
@require_POST
def trigger_delete(request: HttpRequest, trigger_id: int) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    services.delete_trigger(_trigger(trigger_id), actor=desk_user(request))
    messages.success(request, _("The rule is deleted."))
    return redirect("automation:triggers")


@agent_required
def trigger_dry_run(request: HttpRequest, trigger_id: int) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    trigger = _trigger(trigger_id)
    matched, tested = services.dry_run(trigger, actor=desk_user(request))
    context = {"trigger": trigger, "matched": matched, "tested": tested}
    return render(request, "automation/trigger_dry_run.html", context)
