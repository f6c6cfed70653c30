"""Hand tickets to agents (AU3): manual, round robin or least loaded per department, within
each agent's cap on open tickets, by availability, skills and language, sticky to the agent who
last handled the customer; tickets nobody can take wait in a first-in-first-out queue.

Every decision in a department is made while holding its `DepartmentRouting` row
(`SELECT … FOR UPDATE`; SQLite serialises writers anyway), so two workers never give out the
same slot or the same ticket. Loads are counted inside that lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext as _

from relaydesk.accounts.models import STAFF_ROLES, Access, Department, Membership, User
from relaydesk.automation.models import (
    AgentState,
    AssignmentMode,
    Availability,
    DepartmentRouting,
    QueueEntry,
    Skill,
)
from relaydesk.core.kept import Kept
from relaydesk.tickets import events, services
from relaydesk.tickets.models import StatusCategory, Ticket

OPEN_STATUSES = (
    StatusCategory.NEW,
    StatusCategory.OPEN,
    StatusCategory.PENDING,
    StatusCategory.ON_HOLD,
)
DRAIN_BATCH = 200


@dataclass
class Candidate:
    """An available agent of the department, with the open tickets they hold there."""

    user_id: int
    capacity: int
    load: int
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    @property
    def has_room(self) -> bool:
        return self.capacity == 0 or self.load < self.capacity

    def can_take(self, needs: Needs) -> bool:
        if not needs.skills <= self.skills:
            return False
        return not (needs.language and self.languages and needs.language not in self.languages)


@dataclass(frozen=True)
class Needs:
    skills: frozenset[str] = frozenset()
    language: str = ""


@dataclass
class Pool:
    """The department's candidates while its lock is held."""

    routing: DepartmentRouting
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def any_room(self) -> bool:
        return any(c.has_room for c in self.candidates)

    def choose(self, needs: Needs, *, prefer: int | None = None) -> Candidate | None:
        eligible = [c for c in self.candidates if c.has_room and c.can_take(needs)]
        if not eligible:
            return None
        for candidate in eligible:
            if candidate.user_id == prefer:
                return candidate
        last = self.routing.last_agent_id or 0
        # Round robin order: the agents after the last one served, then from the start.
        ordered = sorted(eligible, key=lambda c: (c.user_id <= last, c.user_id))
        if self.routing.mode == AssignmentMode.LEAST_LOADED:
            return min(ordered, key=lambda c: c.load)
        return ordered[0]


def routing_of(department: Department) -> DepartmentRouting:
    routing, _created = DepartmentRouting.objects.get_or_create(department=department)
    return routing


def _modes() -> dict[int, str]:
    return dict(DepartmentRouting.objects.values_list("department_id", "mode"))


_kept_modes = Kept(_modes)
for _signal in (post_save, post_delete):
    _signal.connect(_kept_modes.forget, sender=DepartmentRouting, dispatch_uid="routing-modes")


def is_manual(department_id: int) -> bool:
    """Does the department hand tickets out by hand (or has it no routing yet)? Read without
    a lock and kept for a second (`core.kept`): a mode change drains the waiting queue itself,
    and a department that hands tickets out checks its mode again under the lock."""
    return _kept_modes.get().get(department_id, AssignmentMode.MANUAL) == AssignmentMode.MANUAL


def _locked_pool(department_id: int) -> Pool:
    """The department's routing row, locked; its candidates only when it hands tickets out
    (counting every agent's open tickets is the costly part of routing)."""
    locked = DepartmentRouting.objects.select_for_update()
    routing = locked.filter(department_id=department_id).first()
    if routing is None:
        DepartmentRouting.objects.get_or_create(department_id=department_id)
        routing = locked.get(department_id=department_id)
    if routing.mode == AssignmentMode.MANUAL:
        return Pool(routing=routing)
    return Pool(routing=routing, candidates=_candidates(department_id))


def _candidates(department_id: int) -> list[Candidate]:
    memberships = list(
        Membership.objects.filter(
            department_id=department_id,
            access=Access.FULL,
            user__is_active=True,
            user__role__in=STAFF_ROLES,
        )
        .exclude(user__agent_state__availability__in=(Availability.AWAY, Availability.OFFLINE))
        .values_list("user_id", "capacity")
    )
    user_ids = [user_id for user_id, _cap in memberships]
    loads = dict(
        Ticket.objects.filter(
            department_id=department_id, assignee_id__in=user_ids, status__in=OPEN_STATUSES
        )
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    skills: dict[int, set[str]] = {}
    for user_id, name in AgentState.skills.through.objects.filter(
        agentstate__user_id__in=user_ids
    ).values_list("agentstate__user_id", "skill__name"):
        skills.setdefault(user_id, set()).add(name)
    languages = dict(
        AgentState.objects.filter(user_id__in=user_ids).values_list("user_id", "languages")
    )
    return [
        Candidate(
            user_id=user_id,
            capacity=capacity,
            load=loads.get(user_id, 0),
            skills=frozenset(skills.get(user_id, ())),
            languages=frozenset(languages.get(user_id) or ()),
        )
        for user_id, capacity in memberships
    ]


def _needs(ticket: Ticket, routing: DepartmentRouting, tag_names: Iterable[str]) -> Needs:
    skill_names = set(Skill.objects.filter(name__in=list(tag_names)).values_list("name", flat=True))
    language = ticket.language if routing.match_language else ""
    return Needs(skills=frozenset(skill_names), language=language)


def _sticky_agent(ticket: Ticket, department_id: int) -> int | None:
    """The agent who last handled this customer's requests in the department."""
    return (
        Ticket.objects.filter(
            requester_id=ticket.requester_id,
            department_id=department_id,
            assignee__isnull=False,
        )
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")
        .values_list("assignee_id", flat=True)
        .first()
    )


def _cause(pool: Pool) -> str:
    """What the history says made the change."""
    mode = AssignmentMode(pool.routing.mode)
    with translation.override(settings.LANGUAGE_CODE):
        return _("Assignment: %(mode)s") % {"mode": mode.label}


def _hand_over(ticket: Ticket, pool: Pool, candidate: Candidate) -> None:
    """Assign through the service layer (history, SLA, webhooks as for any change). The
    caller removes the ticket's queue entry."""
    with events.caused_by(_cause(pool)):
        services.automated_update(ticket, assignee=User.objects.get(pk=candidate.user_id))
    _took(pool, candidate)


def _took(pool: Pool, candidate: Candidate) -> None:
    candidate.load += 1
    pool.routing.last_agent_id = candidate.user_id


def route(
    ticket_id: int,
    *,
    replace_unavailable: bool = False,
    department_id: int | None = None,
    queued: bool = True,
) -> bool:
    """Give the ticket to an agent of its department, or queue it. With `replace_unavailable`
    an assigned ticket whose agent is away, offline or full is handed to someone available
    (a customer replied and should not wait). True when an agent got it. `department_id`: the
    department the caller just read (checked again once the ticket is locked); `queued=False`:
    the caller knows the ticket waits in no queue (it was opened just now)."""
    if department_id is None:
        department_id = (
            Ticket.objects.filter(pk=ticket_id).values_list("department_id", flat=True).first()
        )
    if department_id is None:
        return False
    if is_manual(department_id):  # nothing to hand out: no lock, no transaction
        if queued:
            dequeue(ticket_id)
        return False
    return _route(ticket_id, department_id, replace_unavailable=replace_unavailable)


def dequeue(ticket_id: int) -> None:
    """Take the ticket out of its department's queue, if it waits there: one DELETE, in no
    transaction of its own (the ORM's `delete()` opens one even for a lone DELETE: after a
    commit, a BEGIN and a COMMIT more for every customer's reply)."""
    quote = connection.ops.quote_name
    table, column = QueueEntry._meta.db_table, QueueEntry._meta.get_field("ticket").column
    with connection.cursor() as cursor:  # the model's own names; the id is a parameter
        cursor.execute(f"DELETE FROM {quote(table)} WHERE {quote(column)} = %s", [ticket_id])  # noqa: S608


@transaction.atomic
def _route(ticket_id: int, department_id: int, *, replace_unavailable: bool) -> bool:
    pool = _locked_pool(department_id)
    if pool.routing.mode == AssignmentMode.MANUAL:  # nobody hands out: nothing waits either
        QueueEntry.objects.filter(ticket_id=ticket_id).delete()
        return False
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket_id)
    if ticket.department_id != department_id or ticket.is_closed:
        QueueEntry.objects.filter(ticket=ticket).delete()
        return False
    if ticket.assignee_id is not None:
        QueueEntry.objects.filter(ticket=ticket).delete()
        holder = next((c for c in pool.candidates if c.user_id == ticket.assignee_id), None)
        if not replace_unavailable or holder is not None:
            return False
    needs = _needs(ticket, pool.routing, ticket.tags.values_list("name", flat=True))
    prefer = _sticky_agent(ticket, department_id) if pool.routing.sticky else None
    candidate = pool.choose(needs, prefer=prefer)
    if candidate is not None:
        _hand_over(ticket, pool, candidate)
        QueueEntry.objects.filter(ticket=ticket).delete()
        pool.routing.save(update_fields=["last_agent"])
        return True
    if ticket.assignee_id is None:
        QueueEntry.objects.get_or_create(ticket=ticket, defaults={"department_id": department_id})
    return False


def drain(department_id: int) -> int:
    """Hand out waiting tickets, oldest first, while agents have free slots; a ticket that
    needs a skill or language nobody free has stays and lets the next one through. Runs in
    batches, one transaction each. Returns how many were handed out."""
    handed = 0
    while True:
        done, more = _drain_batch(department_id)
        handed += done
        if not more:
            return handed


@transaction.atomic
def _drain_batch(department_id: int) -> tuple[int, bool]:
    pool = _locked_pool(department_id)
    if pool.routing.mode == AssignmentMode.MANUAL or not pool.any_room:
        return 0, False
    entries = list(
        QueueEntry.objects.filter(department_id=department_id).order_by("queued_at", "id")[
            :DRAIN_BATCH
        ]
    )
    tags: dict[int, list[str]] = {}
    for ticket_id, name in Ticket.tags.through.objects.filter(
        ticket_id__in=[e.ticket_id for e in entries]
    ).values_list("ticket_id", "tag__name"):
        tags.setdefault(ticket_id, []).append(name)
    skill_names = set(Skill.objects.values_list("name", flat=True))
    # One statement each for the batch: its tickets, locked in id order, and its agents.
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("department")
    tickets = locked.order_by("pk").in_bulk([e.ticket_id for e in entries])
    agents = User.objects.in_bulk([c.user_id for c in pool.candidates])
    assignments: list[tuple[Ticket, User]] = []
    done: list[int] = []
    for entry in entries:
        if not pool.any_room:
            break
        ticket = tickets.get(entry.ticket_id)
        if (
            ticket is None
            or ticket.assignee_id is not None
            or ticket.is_closed
            or ticket.department_id != department_id
        ):
            done.append(entry.pk)  # assigned, solved or moved by hand meanwhile
            continue
        needs = Needs(
            skills=frozenset(skill_names.intersection(tags.get(ticket.pk, ()))),
            language=ticket.language if pool.routing.match_language else "",
        )
        candidate = pool.choose(needs)
        if candidate is not None:
            assignments.append((ticket, agents[candidate.user_id]))
            _took(pool, candidate)
            done.append(entry.pk)
    if assignments:  # the batch at once: one history insert, the listeners once
        with events.caused_by(_cause(pool)):
            services.assign_many(assignments)
    QueueEntry.objects.filter(pk__in=done).delete()
    pool.routing.save(update_fields=["last_agent"])
    handed = len(assignments)
    return handed, handed > 0 and len(entries) == DRAIN_BATCH and pool.any_room
