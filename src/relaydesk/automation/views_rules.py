"""Rule screens in the desk: triggers (AU1) and time rules (AU2) — list, edit without JSON,
delete, dry run. Both kinds share the conditions, the actions and the templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.automation import rules, services
from relaydesk.automation.forms import ActionFormSet, ConditionFormSet, TimeRuleForm, TriggerForm
from relaydesk.automation.models import TimeRule, Trigger
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden

Rule = Trigger | TimeRule


def _editor_or_refusal(request: HttpRequest) -> HttpResponse | None:
    if not services.can_edit_rules(desk_user(request)):
        return forbidden(
            request, PermissionDenied(_("Only administrators and supervisors edit rules."))
        )
    return None


def _rule[R: (Trigger, TimeRule)](model: type[R], rule_id: int) -> R:
    rule = model.objects.filter(pk=rule_id).first()
    if rule is None:
        raise Http404(_("No such rule."))
    return rule


def _kind(rule_or_model: Rule | type[Rule]) -> str:
    is_trigger = rule_or_model is Trigger or isinstance(rule_or_model, Trigger)
    return "triggers" if is_trigger else "time_rules"


def _urls(kind: str, rule: Rule | None) -> dict[str, str]:
    urls = {"list": reverse(f"automation:{kind}"), "new": reverse(f"automation:new_{kind}")}
    if rule is not None:
        for name in ("edit", "delete", "dry_run"):
            urls[name] = reverse(f"automation:{kind}_{name}", args=[rule.pk])
    return urls


def _list(request: HttpRequest, model: type[Rule]) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    kind = _kind(model)
    context = {
        "rules": model.objects.prefetch_related("conditions", "actions"),
        "kind": kind,
        "urls": _urls(kind, None),
    }
    return render(request, "automation/rule_list.html", context)


@agent_required
def trigger_list(request: HttpRequest) -> HttpResponse:
    return _list(request, Trigger)


@agent_required
def time_rule_list(request: HttpRequest) -> HttpResponse:
    return _list(request, TimeRule)


def _rows(rule: Rule | None) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    if rule is None:
        return [], []
    return (
        [
            {"field": c.field, "operator": c.operator, "value": c.value}
            for c in rule.conditions.all()
        ],
        [{"kind": a.kind, "value": a.value} for a in rule.actions.all()],
    )


@agent_required
def trigger_edit(request: HttpRequest, trigger_id: int | None = None) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    trigger = _rule(Trigger, trigger_id) if trigger_id is not None else None

    def save(form: BaseForm, conditions: list[Any], actions: list[Any]) -> Rule:
        return services.save_trigger(
            actor=desk_user(request),
            trigger=trigger,
            conditions=conditions,
            actions=actions,
            **form.cleaned_data,
        )

    initial = {"on": "created", "match": "all", "position": 0, "is_active": True}
    if trigger is not None:
        initial = {
            "name": trigger.name,
            "on": trigger.on,
            "match": trigger.match,
            "position": trigger.position,
            "is_active": trigger.is_active,
        }
    return _edit(request, trigger, TriggerForm, initial, save)


@agent_required
def time_rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    if refusal := _editor_or_refusal(request):
        return refusal
    rule = _rule(TimeRule, rule_id) if rule_id is not None else None

    def save(form: BaseForm, conditions: list[Any], actions: list[Any]) -> Rule:
        assert isinstance(form, TimeRuleForm)
        return services.save_time_rule(
            actor=desk_user(request),
            rule=rule,
            conditions=conditions,
            actions=actions,
            **form.rule_fields(),
        )

    return _edit(request, rule, TimeRuleForm, TimeRuleForm.initial_for(rule), save)


def _edit(
    request: HttpRequest,
    rule: Rule | None,
    form_class: type[TriggerForm | TimeRuleForm],
    initial: dict[str, Any],
    save: Any,
) -> HttpResponse:
    kind = _kind(rule if rule is not None else (Trigger if form_class is TriggerForm else TimeRule))
    if request.method == "POST":
        form = form_class(request.POST)
        conditions = ConditionFormSet(request.POST, prefix="c")
        actions = ActionFormSet(request.POST, prefix="a")
        if form.is_valid() and conditions.is_valid() and actions.is_valid():
            try:
                saved = save(
                    form,
                    [c for f in conditions if (c := f.row()) is not None],
                    [a for f in actions if (a := f.row()) is not None],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect(f"automation:{kind}_edit", saved.pk)
        return _editor(request, kind, rule, form, conditions, actions, status=422)
    condition_rows, action_rows = _rows(rule)
    return _editor(
        request,
        kind,
        rule,
        form_class(initial=initial),
        ConditionFormSet(prefix="c", initial=condition_rows),
        ActionFormSet(prefix="a", initial=action_rows),
    )


def _editor(
    request: HttpRequest,
    kind: str,
    rule: Rule | None,
    form: BaseForm,
    conditions: BaseFormSet[Any],
    actions: BaseFormSet[Any],
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "rule": rule,
        "kind": kind,
        "urls": _urls(kind, rule),
        "form": form,
        "conditions": conditions,
        "actions": actions,
        "placeholders": rules.placeholders.names(),
    }
    return render(request, "automation/rule_edit.html", context, status=status)


def _delete(request: HttpRequest, rule: Rule) -> HttpResponse:
    if isinstance(rule, Trigger):
        services.delete_trigger(rule, actor=desk_user(request))
    else:
        services.delete_time_rule(rule, actor=desk_user(request))
    messages.success(request, _("The rule is deleted."))
    return redirect(f"automation:{_kind(rule)}")


@agent_required
@require_POST
def trigger_delete(request: HttpRequest, trigger_id: int) -> HttpResponse:
    return _editor_or_refusal(request) or _delete(request, _rule(Trigger, trigger_id))


@agent_required
@require_POST
def time_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _editor_or_refusal(request) or _delete(request, _rule(TimeRule, rule_id))


def _dry_run(request: HttpRequest, rule: Rule) -> HttpResponse:
    matched, tested = services.dry_run(rule, actor=desk_user(request))
    kind = _kind(rule)
    context = {
        "rule": rule,
        "kind": kind,
        "urls": _urls(kind, rule),
        "matched": matched,
        "tested": tested,
    }
    return render(request, "automation/rule_dry_run.html", context)


@agent_required
def trigger_dry_run(request: HttpRequest, trigger_id: int) -> HttpResponse:
    return _editor_or_refusal(request) or _dry_run(request, _rule(Trigger, trigger_id))


@agent_required
def time_rule_dry_run(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _editor_or_refusal(request) or _dry_run(request, _rule(TimeRule, rule_id))
