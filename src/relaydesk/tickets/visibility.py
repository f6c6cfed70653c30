"""The one door: who may see and who may change which tickets (DESIGN rule 2).

Every list, page, download, search, export and report for a person starts here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
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


def can_write_in(user: Person, department: Department) -> bool:
    """May this person create and change tickets in this department? `writable_departments`
    for one department: an administrator in any active one (as this instance says), another
    agent where they have full access and the department is active (as the database says)."""
    if not isinstance(user, User) or not user.is_agent or not department.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    return Membership.objects.filter(
        user=user, department=department, access=Access.FULL, department__is_active=True
    ).exists()


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


def changeable_tickets(user: Person) -> QuerySet[Ticket]:
    """The tickets `can_change` says yes to, as a query."""
    tickets = visible_tickets(user)
    if not isinstance(user, User) or not user.is_agent:
        return tickets.none()
    if user.role == Role.ADMIN:
        return tickets
    full = _department_ids(user, (Access.FULL,))
    return tickets.filter(Q(department__in=full) | Q(department=None))


# Contacts and organizations (PO6). Administrators see them all; other agents see the
# customers and organizations behind the tickets they see, and edit those behind tickets they
# may change. Customers see none of this.


def visible_contacts(user: Person) -> QuerySet[User]:
    contacts = User.objects.filter(role=Role.CUSTOMER)
    if not isinstance(user, User) or not user.is_agent:
        return contacts.none()
    if user.role == Role.ADMIN:
        return contacts
    return contacts.filter(Exists(visible_tickets(user).filter(requester=OuterRef("pk"))))


def visible_organizations(user: Person) -> QuerySet[Organization]:
    organizations = Organization.objects.all()
    if not isinstance(user, User) or not user.is_agent:
        return organizations.none()
    if user.role == Role.ADMIN:
        return organizations
    tickets = visible_tickets(user)
    return organizations.filter(
        Exists(tickets.filter(organization=OuterRef("pk")))
        | Exists(tickets.filter(requester__organization=OuterRef("pk")))
    )


def can_edit_contact(user: Person, contact: User) -> bool:
    if not isinstance(user, User) or not user.is_agent or not contact.is_customer:
        return False
    return user.role == Role.ADMIN or changeable_tickets(user).filter(requester=contact).exists()


def can_edit_organization(user: Person, organization: Organization) -> bool:
    if not isinstance(user, User) or not user.is_agent:
        return False
    if user.role == Role.ADMIN:
        return True
    tickets = changeable_tickets(user)
    return tickets.filter(
        Q(organization=organization) | Q(requester__organization=organization)
    ).exists()


def can_merge_contacts(user: Person, source: User, target: User) -> bool:
    """Merging rewrites who asked every one of the source's requests: administrators may;
    supervisors may when they can change every ticket of both contacts."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.SUPERVISOR:
        return False
    people = (source.pk, target.pk)
    all_tickets = Ticket.objects.filter(requester__in=people)
    return not all_tickets.exclude(pk__in=changeable_tickets(user).values("pk")).exists() and (
        visible_contacts(user).filter(pk__in=people).count() == 2
    )
