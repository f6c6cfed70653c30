"""The one door: who may see and who may change which tickets (DESIGN rule 2).

Every list, page, download, search, export and report for a person starts here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from relaydesk.accounts.models import Access, Department, Membership, Role, User
from relaydesk.tickets.models import (
    PUBLIC_MESSAGE_KINDS,
    Attachment,
    Message,
    Ticket,
    TicketTally,
)

Person = User | AnonymousUser


def _department_ids(user: User, accesses: tuple[str, ...]) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, access__in=accesses).values("department_id")


def visible_tickets(user: Person) -> QuerySet[Ticket]:
    """Tickets this person may see: all of them for admins; for agents the departments they
    have access to, unrouted tickets and their own; for customers their own requests and, where
    the organization allows it, their organization's."""
    tickets = Ticket.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return tickets.none()
    if user.role == Role.ADMIN:
        return tickets
    if user.is_agent:
        readable = _department_ids(user, (Access.FULL, Access.READ))
        return tickets.filter(Q(department__in=readable) | Q(department=None) | Q(assignee=user))
    own = Q(requester=user)
    organization = user.organization
    if organization is not None and organization.members_see_all_tickets:
        own |= Q(organization=organization)
    return tickets.filter(own)


def visible_tallies(user: Person) -> QuerySet[TicketTally]:
    """The ticket counts (per department, assignee and status) over exactly the tickets
    `visible_tickets` gives an agent: the same rule, read from the tally."""
    tallies = TicketTally.objects.all()
    if not isinstance(user, User) or not user.is_active or not user.is_agent:
        return tallies.none()
    if user.role == Role.ADMIN:
        return tallies
    readable = _department_ids(user, (Access.FULL, Access.READ))
    return tallies.filter(
        Q(department_key__in=readable) | Q(department_key=0) | Q(assignee_key=user.pk)
    )


def visible_messages(user: Person) -> QuerySet[Message]:
    """Messages of visible tickets; customers never get internal notes or system lines."""
    messages = Message.objects.filter(ticket__in=visible_tickets(user))
    if not (isinstance(user, User) and user.is_agent):
        messages = messages.filter(kind__in=PUBLIC_MESSAGE_KINDS)
    return messages


def visible_attachments(user: Person) -> QuerySet[Attachment]:
    return Attachment.objects.filter(message__in=visible_messages(user))


def writable_departments(user: Person) -> QuerySet[Department]:
    """Departments in which this person may create and change tickets."""
    departments = Department.objects.filter(is_active=True)
    if not isinstance(user, User) or not user.is_agent:
        return departments.none()
    if user.role == Role.ADMIN:
        return departments
    return departments.filter(id__in=_department_ids(user, (Access.FULL,)))


def can_change(user: Person, ticket: Ticket) -> bool:
    """May this agent change the ticket (fields, replies, notes)? Read-only access may not."""
    if not isinstance(user, User) or not user.is_agent:
        return False
    if user.role == Role.ADMIN or ticket.department_id is None:
        return True
    return Membership.objects.filter(
        user=user, department_id=ticket.department_id, access=Access.FULL
    ).exists()


def is_requester_side(user: Person, ticket: Ticket) -> bool:
    """Is this a customer who may write on the ticket (its requester or an allowed colleague)?"""
    if not isinstance(user, User) or not user.is_active or user.is_agent:
        return False
    return visible_tickets(user).filter(pk=ticket.pk).exists()
