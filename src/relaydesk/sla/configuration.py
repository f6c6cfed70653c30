"""Setting up service levels in the desk (SL1, SL2, AU6): calendars, policies in order, their
targets and escalations. Administrators only: a policy is a promise of the whole workspace.

Every change is atomic, drops this process's copy of the configuration at once (the others
see it within `calendars.RELOAD_SECONDS`) and, after commit, queues the task that recomputes
the open tickets' due times in batches (`tasks.recompute_open_tickets`): a change can move
thousands of tickets, more than a request should wait for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Role, User
from relaydesk.sla import calendars
from relaydesk.sla.models import Calendar, Kind, Policy, Target
from relaydesk.sla.tasks import recompute_open_tickets
from relaydesk.tickets.models import Tag

POSITION_STEP = 10
InlineRows = BaseInlineFormSet[Any, Any, Any]


def can_configure(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def _require_admin(actor: User) -> None:
    if not can_configure(actor):
        raise PermissionDenied(_("Only administrators set up service levels."))


def recompute_after_commit() -> None:
    calendars.forget()
    transaction.on_commit(lambda: recompute_open_tickets.enqueue())


@transaction.atomic
def save_calendar(
    *, actor: User, form: ModelForm[Calendar], inlines: Iterable[InlineRows]
) -> Calendar:
    """A calendar from its validated form and inline rows (business hours, custom holidays)."""
    _require_admin(actor)
    calendar = form.save()
    for inline in inlines:
        inline.instance = calendar
        inline.save()
    recompute_after_commit()
    return calendar


@transaction.atomic
def delete_calendar(calendar: Calendar, *, actor: User) -> None:
    _require_admin(actor)
    try:
        calendar.delete()
    except ProtectedError as error:
        names = ", ".join(sorted(str(p) for p in error.protected_objects))
        raise ValidationError(
            _("This calendar is used by: %(policies)s. Choose another calendar there first.")
            % {"policies": names}
        ) from None
    recompute_after_commit()


# minutes per kind, per priority; None: no promise
Targets = dict[int, dict[str, int | None]]


@transaction.atomic
def save_policy(
    *,
    actor: User,
    form: ModelForm[Policy],
    custom_fields: dict[str, Any],
    tags: list[Tag],
    targets: Targets,
    escalations: InlineRows,
) -> Policy:
    """A policy from its validated form, its custom field and tag conditions, targets per
    priority and escalation rows. A new policy is tried last."""
    _require_admin(actor)
    policy = form.save(commit=False)
    policy.custom_fields = custom_fields
    if policy.pk is None:
        last = Policy.objects.aggregate(last=Max("position"))["last"]
        policy.position = 0 if last is None else last + POSITION_STEP
    policy.save()
    form.save_m2m()
    policy.tags.set(tags)
    Target.objects.filter(policy=policy).exclude(priority__in=list(targets)).delete()
    for priority, minutes in targets.items():
        if all(value is None for value in minutes.values()):
            Target.objects.filter(policy=policy, priority=priority).delete()
        else:
            values = {kind: minutes.get(kind) for kind in Kind.values}
            Target.objects.update_or_create(policy=policy, priority=priority, defaults=values)
    escalations.instance = policy
    escalations.save()
    recompute_after_commit()
    return policy


@transaction.atomic
def delete_policy(policy: Policy, *, actor: User) -> None:
    _require_admin(actor)
    policy.delete()
    recompute_after_commit()


@transaction.atomic
def move_policy(policy: Policy, *, actor: User, up: bool) -> None:
    """One place earlier (`up`) or later in the order; positions are renumbered in steps."""
    _require_admin(actor)
    order = list(Policy.objects.select_for_update().order_by("position", "id"))
    index = next(i for i, p in enumerate(order) if p.pk == policy.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    now = timezone.now()  # bulk_update skips auto_now: the cache sees the change by it
    for number, item in enumerate(order):
        item.position, item.updated_at = number * POSITION_STEP, now
    Policy.objects.bulk_update(order, ["position", "updated_at"])
    recompute_after_commit()
