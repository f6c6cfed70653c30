"""What triggers test and do (AU1): the condition fields and operators, the actions, their
validation (a malformed rule is refused with a clear message) and their evaluation.

Values are plain text an admin types: department, type and category by name, priority, status,
channel and language by code, the requester by email. They are checked when the rule is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import STAFF_ROLES, Access, Department, User
from relaydesk.automation import placeholders
from relaydesk.automation.models import TimeRule, Trigger
from relaydesk.mail.models import InboundMail, Mailbox
from relaydesk.notifications import services as notifications
from relaydesk.notifications.models import Event
from relaydesk.sla import calendars
from relaydesk.tickets import events, services
from relaydesk.tickets.models import (
    PUBLIC_MESSAGE_KINDS,
    Category,
    Channel,
    CustomField,
    Message,
    Priority,
    StatusCategory,
    Ticket,
    TicketType,
)
from relaydesk.tickets.services import clean_tag_names, retag
from relaydesk.webhooks import outbox
from relaydesk.webhooks.models import Endpoint

logger = logging.getLogger(__name__)

IS, IS_NOT, CONTAINS, NOT_CONTAINS = "is", "is_not", "contains", "not_contains"
OPERATORS = {
    IS: gettext_lazy("is"),
    IS_NOT: gettext_lazy("is not"),
    CONTAINS: gettext_lazy("contains"),
    NOT_CONTAINS: gettext_lazy("does not contain"),
}
EXACT = (IS, IS_NOT)
CUSTOM = "custom:"
MAX_TEXT = 5000


def _codes(choices: Iterable[tuple[Any, Any]]) -> set[str]:
    return {str(value) for value, _label in choices}


PRIORITY_CODES = {p.name.lower(): p.value for p in Priority}


def priority_code(ticket: Ticket) -> str:
    return Priority(ticket.priority).name.lower()


@dataclass(frozen=True)
class Field:
    label: Any
    values: Callable[[Ticket], list[str]]
    operators: tuple[str, ...] = EXACT
    check: Callable[[str], None] | None = None  # refuses an unknown value


def _known(names: Callable[[], Iterable[str]], message: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        if value.lower() not in {n.lower() for n in names()}:
            raise ValidationError(message % {"value": value})

    return check


# What each condition field reads beyond the ticket's own columns.
RELATED = {
    "department": "department",
    "type": "type",
    "category": "category__parent",
    "requester": "requester",
    "organization": "organization",
    "assignee": "assignee",
}


def loaded(tickets: QuerySet[Ticket], fields: Iterable[str] | None = None) -> QuerySet[Ticket]:
    """Tickets with everything these condition fields read (all of them by default), in a
    fixed number of queries however many rules test them: the related rows, the tags and the
    latest public message's text. A leaner query costs less to build and run, which is most
    of what a trigger check costs."""
    wanted = set(FIELDS) if fields is None else set(fields)
    related = [RELATED[f] for f in sorted(wanted & RELATED.keys())]
    if related:
        tickets = tickets.select_related(*related)
    if wanted & {"tag", "business_hours"}:  # an SLA policy may match on tags
        tickets = tickets.prefetch_related("tags")
    if "mailbox" in wanted:
        tickets = tickets.annotate(inbound_mailbox=_mailbox_name())
    if "body" in wanted:
        latest = Message.objects.filter(ticket=OuterRef("pk"), kind__in=PUBLIC_MESSAGE_KINDS)
        tickets = tickets.annotate(
            last_public_text=Subquery(latest.order_by("-id").values("body_text")[:1])
        )
    return tickets


def _mailbox_name() -> Subquery:
    mails = InboundMail.objects.filter(ticket=OuterRef("pk"), mailbox__isnull=False)
    return Subquery(mails.order_by("-id").values("mailbox__name")[:1])


def _mailbox(ticket: Ticket) -> list[str]:
    """The mailbox the ticket's latest mail came in through."""
    if hasattr(ticket, "inbound_mailbox"):
        name = ticket.inbound_mailbox
    else:
        name = Ticket.objects.filter(pk=ticket.pk).values_list(_mailbox_name()).get()[0]
    return [name] if name else []


def _business_hours(ticket: Ticket) -> list[str]:
    """ "yes" while the business hours of the SLA policy that applies to the ticket are open
    (around the clock when no policy applies or it has no calendar), else "no"."""
    policy = calendars.match(ticket, frozenset(tag.pk for tag in ticket.tags.all()))
    if policy is None:
        return ["yes"]
    now = timezone.now()
    first = next(iter(policy.hours.intervals(now)), None)
    return ["yes" if first is not None and first[0] <= now else "no"]


def _last_public_text(ticket: Ticket) -> list[str]:
    text = getattr(ticket, "last_public_text", None)
    if text is None and not hasattr(ticket, "last_public_text"):  # not loaded by `loaded`
        message = ticket.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS).order_by("-id").first()
        text = message.body_text if message else None
    return [text] if text is not None else []


def _languages() -> set[str]:
    return _codes(settings.LANGUAGES)


FIELDS: dict[str, Field] = {
    "channel": Field(
        gettext_lazy("Channel"),
        lambda t: [t.channel],
        check=_known(lambda: Channel.values, _("Unknown channel “%(value)s”.")),
    ),
    "department": Field(
        gettext_lazy("Department"),
        lambda t: [t.department.name] if t.department else [],
        check=_known(
            lambda: Department.objects.values_list("name", flat=True),
            _("There is no department “%(value)s”."),
        ),
    ),
    "priority": Field(
        gettext_lazy("Priority"),
        lambda t: [priority_code(t)],
        check=_known(PRIORITY_CODES.keys, _("Unknown priority “%(value)s”.")),
    ),
    "status": Field(
        gettext_lazy("Status"),
        lambda t: [t.status],
        check=_known(lambda: StatusCategory.values, _("Unknown status “%(value)s”.")),
    ),
    "type": Field(
        gettext_lazy("Type"),
        lambda t: [t.type.name] if t.type else [],
        check=_known(
            lambda: TicketType.objects.values_list("name", flat=True),
            _("There is no ticket type “%(value)s”."),
        ),
    ),
    "category": Field(
        gettext_lazy("Category"),
        lambda t: [t.category.name, str(t.category)] if t.category else [],
        check=_known(
            lambda: [n for c in Category.objects.all() for n in (c.name, str(c))],
            _("There is no category “%(value)s”."),
        ),
    ),
    "tag": Field(
        gettext_lazy("Tag"),
        lambda t: [tag.name for tag in t.tags.all()],
    ),
    "requester": Field(
        gettext_lazy("Requester's email"),
        lambda t: [t.requester.email],
        operators=tuple(OPERATORS),
    ),
    "assignee": Field(
        gettext_lazy("Assignee's email (empty: unassigned)"),
        lambda t: [t.assignee.email] if t.assignee else [],
        check=_known(
            lambda: User.objects.filter(role__in=STAFF_ROLES).values_list("email", flat=True),
            _("There is no agent “%(value)s”."),
        ),
    ),
    "organization": Field(
        gettext_lazy("Organization"),
        lambda t: [t.organization.name] if t.organization else [],
        operators=tuple(OPERATORS),
    ),
    "subject": Field(gettext_lazy("Subject"), lambda t: [t.subject], operators=tuple(OPERATORS)),
    "body": Field(gettext_lazy("Latest message"), _last_public_text, operators=tuple(OPERATORS)),
    "mailbox": Field(
        gettext_lazy("Mailbox it came in through"),
        _mailbox,
        check=_known(
            lambda: Mailbox.objects.values_list("name", flat=True),
            _("There is no mailbox “%(value)s”."),
        ),
    ),
    "business_hours": Field(
        gettext_lazy("In business hours now (yes, no)"),
        _business_hours,
        check=_known(lambda: ["yes", "no"], _("Write yes or no, not “%(value)s”.")),
    ),
    "language": Field(
        gettext_lazy("Language"),
        lambda t: [t.language] if t.language else [],
        check=_known(_languages, _("Unknown language “%(value)s”.")),
    ),
}


# Fields whose answer changes with the clock, not only with the ticket.
CLOCK_FIELDS = {"business_hours"}


def time_dependent(conditions: Iterable[tuple[str, str, str]]) -> bool:
    return any(field in CLOCK_FIELDS for field, _op, _value in conditions)


def field_choices() -> list[tuple[str, str]]:
    fixed = [(key, str(field.label)) for key, field in FIELDS.items()]
    custom = [(f"{CUSTOM}{f.key}", f.label) for f in CustomField.objects.all()]
    return fixed + custom


def _field(key: str, *, checked: bool = True) -> Field:
    """The field a condition tests; `checked=False` skips the database when evaluating a rule
    that was checked when saved."""
    if key in FIELDS:
        return FIELDS[key]
    if key.startswith(CUSTOM):
        name = key.removeprefix(CUSTOM)
        if not checked or CustomField.objects.filter(key=name).exists():
            return Field(
                name,
                lambda t: [str(t.custom_fields[name])] if name in t.custom_fields else [],
                operators=tuple(OPERATORS),
            )
    raise ValidationError(_("Unknown condition field “%(field)s”.") % {"field": key})


def check_condition(field: str, operator: str, value: str) -> None:
    spec = _field(field)
    if operator not in spec.operators:
        raise ValidationError(
            _("“%(operator)s” cannot be used with %(field)s.")
            % {"operator": operator, "field": spec.label}
        )
    if len(value) > 500:
        raise ValidationError(_("A condition's value is at most 500 characters."))
    if spec.check is not None and (value or field in CLOCK_FIELDS):
        spec.check(value)


def holds(field: str, operator: str, value: str, ticket: Ticket) -> bool:
    found = [v.lower() for v in _field(field, checked=False).values(ticket)]
    wanted = value.strip().lower()
    if operator == IS:
        return wanted in found if wanted else not found
    if operator == IS_NOT:
        return wanted not in found if wanted else bool(found)
    contained = any(wanted in v for v in found)
    return contained if operator == CONTAINS else not contained


def matches(match: str, conditions: list[tuple[str, str, str]], ticket: Ticket) -> bool:
    results = (holds(f, o, v, ticket) for f, o, v in conditions)
    if not conditions:
        return True
    return all(results) if match == "all" else any(results)


# Actions -------------------------------------------------------------------------------------

ACTIONS: dict[str, Any] = {
    "set_department": gettext_lazy("Set department (name)"),
    "set_assignee": gettext_lazy("Assign to (agent's email)"),
    "set_status": gettext_lazy("Set status (new, open, pending, on_hold, solved, closed)"),
    "set_priority": gettext_lazy("Set priority (low, normal, high, urgent)"),
    "set_type": gettext_lazy("Set type (name)"),
    "set_category": gettext_lazy("Set category (name)"),
    "add_tags": gettext_lazy("Add tags (comma-separated)"),
    "remove_tags": gettext_lazy("Remove tags (comma-separated)"),
    "set_custom_field": gettext_lazy("Set custom field (key=value)"),
    "add_note": gettext_lazy("Add an internal note"),
    "reply": gettext_lazy("Reply to the customer"),
    "call_webhook": gettext_lazy("Call a webhook (endpoint's name)"),
    "notify": gettext_lazy(
        "Notify agents or a department (emails or a department's name on the first line, "
        "the message below)"
    ),
}


def _department(value: str) -> Department:
    department = Department.objects.filter(name__iexact=value.strip(), is_active=True).first()
    if department is None:
        raise ValidationError(_("There is no active department “%(value)s”.") % {"value": value})
    return department


def _agent(value: str) -> User:
    user = User.objects.filter(email__iexact=value.strip()).first()
    if user is None or not user.is_agent:
        raise ValidationError(_("There is no active agent “%(value)s”.") % {"value": value})
    return user


def _category(value: str) -> Category:
    wanted = value.strip().lower()
    exact = [c for c in Category.objects.select_related("parent") if str(c).lower() == wanted]
    named = list(Category.objects.filter(name__iexact=value.strip()))
    found = exact or named
    if len(found) != 1:
        raise ValidationError(
            _("There is no single category “%(value)s”; write it as “Parent › Name”.")
            % {"value": value}
        )
    return found[0]


def _type(value: str) -> TicketType:
    found = TicketType.objects.filter(name__iexact=value.strip()).first()
    if found is None:
        raise ValidationError(_("There is no ticket type “%(value)s”.") % {"value": value})
    return found


def _status(value: str) -> str:
    if value.strip() not in StatusCategory.values:
        raise ValidationError(_("Unknown status “%(value)s”.") % {"value": value})
    return value.strip()


def _priority(value: str) -> int:
    code = PRIORITY_CODES.get(value.strip().lower())
    if code is None:
        raise ValidationError(_("Unknown priority “%(value)s”.") % {"value": value})
    return code


def _custom(value: str) -> tuple[str, str]:
    key, sep, raw = value.partition("=")
    if not sep or not CustomField.objects.filter(key=key.strip()).exists():
        raise ValidationError(
            _("Write a custom field as key=value with a known key, not “%(value)s”.")
            % {"value": value}
        )
    return key.strip(), raw.strip()


def _text(value: str) -> str:
    if not value.strip():
        raise ValidationError(_("The message is empty."))
    return value


def _endpoint(value: str) -> Endpoint:
    found = Endpoint.objects.filter(name__iexact=value.strip(), is_active=True).first()
    if found is None:
        raise ValidationError(_("There is no active webhook “%(value)s”.") % {"value": value})
    return found


def _notify(value: str) -> tuple[list[User], str]:
    """Whom to notify (agents' emails and departments' names on the first line) and what."""
    first, _sep, message = value.strip().partition("\n")
    names = [name.strip() for name in first.split(",") if name.strip()]
    if not names:
        raise ValidationError(_("Name agents' emails or a department on the first line."))
    if not message.strip():
        raise ValidationError(_("Write the message under the first line."))
    people: dict[int, User] = {}
    for name in names:
        if "@" in name:
            agent = _agent(name)
            people[agent.pk] = agent
            continue
        department = _department(name)
        for member in User.objects.filter(
            is_active=True,
            pk__in=department.memberships.exclude(access=Access.NONE).values("user_id"),
        ):
            people[member.pk] = member
    return list(people.values()), message.strip()


RESOLVERS: dict[str, Callable[[str], Any]] = {
    "set_department": _department,
    "set_assignee": _agent,
    "set_status": _status,
    "set_priority": _priority,
    "set_type": _type,
    "set_category": _category,
    "add_tags": lambda v: clean_tag_names(v.split(",")),
    "remove_tags": lambda v: clean_tag_names(v.split(",")),
    "set_custom_field": _custom,
    "add_note": _text,
    "reply": _text,
    "call_webhook": _endpoint,
    "notify": _notify,
}


def check_action(kind: str, value: str) -> None:
    if kind not in RESOLVERS:
        raise ValidationError(_("Unknown action “%(kind)s”.") % {"kind": kind})
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("An action's value is at most %(max)d characters.") % {"max": MAX_TEXT}
        )
    RESOLVERS[kind](value)


@dataclass
class Plan:
    """What a trigger's actions do to one ticket: field changes, then messages."""

    changes: dict[str, Any]
    notes: list[str]
    replies: list[str]
    webhooks: list[Endpoint]
    notices: list[tuple[list[User], str]]


def plan(actions: list[tuple[str, str]], ticket: Ticket) -> Plan:
    changes: dict[str, Any] = {}
    notes: list[str] = []
    replies: list[str] = []
    webhooks: list[Endpoint] = []
    notices: list[tuple[list[User], str]] = []
    tags: list[str] | None = None
    names = {
        "set_department": "department",
        "set_assignee": "assignee",
        "set_status": "status",
        "set_priority": "priority",
        "set_type": "type",
        "set_category": "category",
    }
    for kind, value in actions:
        resolved = RESOLVERS[kind](value)
        if kind in names:
            changes[names[kind]] = resolved
        elif kind in ("add_tags", "remove_tags"):
            if tags is None:
                tags = list(ticket.tags.values_list("name", flat=True))
            adding = kind == "add_tags"
            tags = retag(tags, add=resolved if adding else (), remove=() if adding else resolved)
        elif kind == "set_custom_field":
            changes.setdefault("custom_fields", {})[resolved[0]] = resolved[1] or None
        elif kind == "add_note":
            notes.append(placeholders.render(resolved, ticket=ticket))
        elif kind == "reply":
            replies.append(placeholders.render(resolved, ticket=ticket))
        elif kind == "call_webhook":
            webhooks.append(resolved)
        elif kind == "notify":
            notices.append((resolved[0], placeholders.render(resolved[1], ticket=ticket)))
    if tags is not None:
        changes["tags"] = tags
    return Plan(changes, notes, replies, webhooks, notices)


def perform(actions: list[tuple[str, str]], ticket: Ticket, *, cause: str) -> None:
    """Do a rule's actions on the ticket as one automated action; every history line names
    the rule (`cause`). A refused action (its department was deleted, its agent left) raises
    `ValidationError` and nothing of the rule's changes is kept."""
    with transaction.atomic(), events.caused_by(cause):
        plan_ = plan(actions, ticket)
        if plan_.changes:
            services.automated_update(ticket, **plan_.changes)
        for text in plan_.notes:
            services.automated_message(ticket, text=text, internal=True)
        for text in plan_.replies:
            services.automated_message(ticket, text=text, internal=False)
        for endpoint in plan_.webhooks:  # after the changes: the payload shows the result
            outbox.rule_called(endpoint, ticket=ticket, rule=cause)
        for people, text in plan_.notices:
            notifications.notify(recipients=people, event=Event.TRIGGER, ticket=ticket, text=text)


def record_error(model: type[Trigger | TimeRule], pk: int, ticket: Ticket, message: str) -> None:
    """Keep a rule's failure on the rule, where its screen shows it."""
    logger.warning("%s %s failed on ticket %s: %s", model.__name__, pk, ticket.number, message)
    model.objects.filter(pk=pk).update(
        last_error=f"#{ticket.number}: {message}"[:1000], last_error_at=timezone.now()
    )
