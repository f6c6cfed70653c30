"""Changes to assignment settings: availability, caps, skills and department routing. Each
checks permission, writes, and hands waiting tickets to slots that opened (after commit)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Access, Department, Membership, Role, User
from relaydesk.automation import assignment, rules, timerules
from relaydesk.automation.models import (
    Action,
    AgentState,
    AssignmentMode,
    Availability,
    Clock,
    Condition,
    DepartmentRouting,
    Match,
    Skill,
    TimeRule,
    Trigger,
    TriggerOn,
)
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.visibility import visible_tickets

MAX_CAPACITY = 10_000
MAX_SKILLS = 30


def can_configure(actor: User, department: Department) -> bool:
    """Admins configure every department; a supervisor those where they have full access."""
    if not actor.is_agent:
        return False
    if actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.SUPERVISOR
        and Membership.objects.filter(
            user=actor, department=department, access=Access.FULL
        ).exists()
    )


def configurable_departments(actor: User) -> list[Department]:
    return [d for d in Department.objects.filter(is_active=True) if can_configure(actor, d)]


def _drain_after_commit(department_ids: Iterable[int]) -> None:
    for department_id in sorted(set(department_ids)):
        transaction.on_commit(partial(assignment.drain, department_id), robust=True)


def state_of(user: User) -> AgentState:
    state, _created = AgentState.objects.get_or_create(user=user)
    return state


@transaction.atomic
def set_availability(*, actor: User, availability: str) -> AgentState:
    """An agent goes online, away or offline; going online takes waiting tickets."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents have an availability."))
    if availability not in Availability.values:
        raise ValidationError({"availability": _("Unknown availability.")})
    state = state_of(actor)
    if state.availability != availability:
        state.availability = availability
        state.changed_at = timezone.now()
        state.save(update_fields=["availability", "changed_at"])
        if availability == Availability.ONLINE:
            _drain_after_commit(
                Membership.objects.filter(user=actor, access=Access.FULL).values_list(
                    "department_id", flat=True
                )
            )
    return state


@transaction.atomic
def configure_department(
    department: Department, *, actor: User, mode: str, sticky: bool, match_language: bool
) -> DepartmentRouting:
    if not can_configure(actor, department):
        raise PermissionDenied(_("You may not configure this department."))
    if mode not in AssignmentMode.values:
        raise ValidationError({"mode": _("Unknown assignment mode.")})
    routing = assignment.routing_of(department)
    routing.mode, routing.sticky, routing.match_language = mode, sticky, match_language
    routing.save(update_fields=["mode", "sticky", "match_language"])
    _drain_after_commit([department.pk])
    return routing


@transaction.atomic
def set_agent(
    membership: Membership,
    *,
    actor: User,
    capacity: int,
    skills: Iterable[str],
    languages: Iterable[str],
) -> None:
    """A department lead sets an agent's cap there, their skills and their languages. A raised
    cap hands waiting tickets to the agent."""
    if not can_configure(actor, membership.department):
        raise PermissionDenied(_("You may not configure this department."))
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not capacity >= 0:
        raise ValidationError({"capacity": _("The cap is a whole number, 0 for none.")})
    if capacity > MAX_CAPACITY:
        raise ValidationError(
            {"capacity": _("The cap is at most %(max)d.") % {"max": MAX_CAPACITY}}
        )
    names = clean_skill_names(skills)
    codes = list(dict.fromkeys(languages))
    known = {code for code, _name in settings.LANGUAGES}
    if not set(codes) <= known:
        raise ValidationError({"languages": _("Unknown language.")})
    membership.capacity = capacity
    membership.save(update_fields=["capacity"])
    state = state_of(membership.user)
    state.languages = codes
    state.save(update_fields=["languages"])
    existing = {s.name: s for s in Skill.objects.filter(name__in=names)}
    Skill.objects.bulk_create(
        [Skill(name=n) for n in names if n not in existing], ignore_conflicts=True
    )
    state.skills.set(Skill.objects.filter(name__in=names))
    _drain_after_commit([membership.department_id])


def clean_skill_names(names: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(str(raw).replace("\x00", "").split()).lower().lstrip("#")
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError({"skills": _("A skill is longer than 50 characters.")})
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_SKILLS:
        raise ValidationError({"skills": _("At most %(max)d skills.") % {"max": MAX_SKILLS}})
    return cleaned


# Triggers ------------------------------------------------------------------------------------

MAX_CONDITIONS = 30
MAX_ACTIONS = 30
DRY_RUN_TICKETS = 500


def can_edit_rules(actor: User) -> bool:
    return actor.is_agent and actor.role in (Role.ADMIN, Role.SUPERVISOR)


@transaction.atomic
def save_trigger(
    *,
    actor: User,
    trigger: Trigger | None,
    name: str,
    on: str,
    match: str,
    is_active: bool,
    position: int,
    conditions: list[tuple[str, str, str]],
    actions: list[tuple[str, str]],
) -> Trigger:
    """Create or replace a trigger whole. Every condition and action is checked first; a
    malformed rule is refused with the reason and nothing is saved."""
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors edit rules."))
    check_trigger(name=name, on=on, match=match, conditions=conditions, actions=actions)
    trigger = trigger or Trigger()
    trigger.name, trigger.on, trigger.match = " ".join(name.split()), on, match
    trigger.is_active, trigger.position = is_active, position
    trigger.last_error, trigger.last_error_at = "", None
    trigger.save()
    _replace_rows(trigger, conditions, actions)
    return trigger


def _replace_rows(
    rule: Trigger | TimeRule,
    conditions: list[tuple[str, str, str]],
    actions: list[tuple[str, str]],
) -> None:
    owner = {"trigger": rule} if isinstance(rule, Trigger) else {"time_rule": rule}
    rule.conditions.all().delete()
    rule.actions.all().delete()
    Condition.objects.bulk_create(
        Condition(**owner, field=f, operator=o, value=v.strip()) for f, o, v in conditions
    )
    Action.objects.bulk_create(Action(**owner, kind=k, value=v) for k, v in actions)


def check_trigger(
    *,
    name: str,
    on: str,
    match: str,
    conditions: list[tuple[str, str, str]],
    actions: list[tuple[str, str]],
) -> None:
    errors = _rule_errors(name=name, match=match, conditions=conditions, actions=actions)
    if on not in TriggerOn.values:
        errors.setdefault("on", []).append(ValidationError(_("Unknown event.")))
    if errors:
        raise ValidationError(errors)


def _rule_errors(
    *,
    name: str,
    match: str,
    conditions: list[tuple[str, str, str]],
    actions: list[tuple[str, str]],
) -> dict[str, list[ValidationError]]:
    """What is wrong with a trigger's or time rule's name, conditions and actions."""
    errors: dict[str, list[ValidationError]] = {}
    if not " ".join((name or "").split()) or len(name) > 120:
        errors.setdefault("name", []).append(ValidationError(_("Give the rule a short name.")))
    if match not in Match.values:
        errors.setdefault("match", []).append(ValidationError(_("Choose all or any.")))
    if len(conditions) > MAX_CONDITIONS or len(actions) > MAX_ACTIONS:
        errors.setdefault("__all__", []).append(
            ValidationError(_("A rule has at most 30 conditions and 30 actions."))
        )
    if not actions:
        errors.setdefault("__all__", []).append(ValidationError(_("A rule needs an action.")))
    for number, (field_name, operator, value) in enumerate(conditions, start=1):
        try:
            rules.check_condition(field_name, operator, value)
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(
                ValidationError(_("Condition %(n)d: %(error)s") % {"n": number, "error": m})
                for m in error.messages
            )
    for number, (kind, value) in enumerate(actions, start=1):
        try:
            rules.check_action(kind, value)
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(
                ValidationError(_("Action %(n)d: %(error)s") % {"n": number, "error": m})
                for m in error.messages
            )
    return errors


@transaction.atomic
def delete_trigger(trigger: Trigger, *, actor: User) -> None:
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors edit rules."))
    trigger.delete()


def dry_run(rule: Trigger | TimeRule, *, actor: User) -> tuple[list[Ticket], int]:
    """The tickets this person can see that the rule would act on now, and how many were
    tested: for a trigger, the latest `DRY_RUN_TICKETS` the conditions match; for a time rule,
    its due tickets (oldest first, as many). Nothing is changed."""
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors edit rules."))
    visible = visible_tickets(actor)
    if isinstance(rule, TimeRule):
        ordered = timerules.due(rule, now=timezone.now(), tickets=visible)
    else:
        ordered = visible.order_by("-updated_at", "-id")
    tickets = list(rules.loaded(ordered)[:DRY_RUN_TICKETS])
    conditions = [(c.field, c.operator, c.value) for c in rule.conditions.all()]
    return [t for t in tickets if rules.matches(rule.match, conditions, t)], len(tickets)


# Time rules ----------------------------------------------------------------------------------

MAX_MINUTES = 365 * 24 * 60


@transaction.atomic
def save_time_rule(
    *,
    actor: User,
    rule: TimeRule | None,
    name: str,
    status: str,
    clock: str,
    minutes: int,
    match: str,
    is_active: bool,
    position: int,
    conditions: list[tuple[str, str, str]],
    actions: list[tuple[str, str]],
) -> TimeRule:
    """Create or replace a time rule whole, checked like a trigger. What it decided not to do
    is forgotten (its conditions may have changed); what it did stays done."""
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors edit rules."))
    errors = _rule_errors(name=name, match=match, conditions=conditions, actions=actions)
    if status not in StatusCategory.values:
        errors.setdefault("status", []).append(ValidationError(_("Unknown status.")))
    if clock not in Clock.values:
        errors.setdefault("clock", []).append(ValidationError(_("Unknown clock.")))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors.setdefault("minutes", []).append(
            ValidationError(_("The time is between a minute and a year."))
        )
    if errors:
        raise ValidationError(errors)
    rule = rule or TimeRule()
    rule.name, rule.status, rule.clock, rule.minutes = (
        " ".join(name.split()),
        status,
        clock,
        minutes,
    )
    rule.match, rule.is_active, rule.position = match, is_active, position
    rule.last_error, rule.last_error_at = "", None
    rule.save()
    _replace_rows(rule, conditions, actions)
    rule.marks.filter(fired=False).delete()
    return rule


@transaction.atomic
def delete_time_rule(rule: TimeRule, *, actor: User) -> None:
    if not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors edit rules."))
    rule.delete()
