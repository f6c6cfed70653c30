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
from relaydesk.automation import assignment
from relaydesk.automation.models import (
    AgentState,
    AssignmentMode,
    Availability,
    DepartmentRouting,
    Skill,
)

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
