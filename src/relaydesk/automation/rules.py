"""What triggers test and do (AU1): the condition fields and operators, the actions, their
validation (a malformed rule is refused with a clear message) and their evaluation.

Values are plain text an admin types: department, type and category by name, priority, status,
channel and language by code, the requester by email. They are checked when the rule is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import Access, Department, User
from relaydesk.automation import placeholders
from relaydesk.tickets.models import (
    PUBLIC_MESSAGE_KINDS,
    Category,
    Channel,
    CustomField,
    Priority,
    StatusCategory,
    Ticket,
    TicketType,
)
from relaydesk.tickets.services import clean_tag_names

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


def _last_public_text(ticket: Ticket) -> list[str]:
    message = ticket.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS).order_by("-id").first()
    return [message.body_text] if message else []


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
    "organization": Field(
        gettext_lazy("Organization"),
        lambda t: [t.organization.name] if t.organization else [],
        operators=tuple(OPERATORS),
    ),
    "subject": Field(gettext_lazy("Subject"), lambda t: [t.subject], operators=tuple(OPERATORS)),
    "body": Field(gettext_lazy("Latest message"), _last_public_text, operators=tuple(OPERATORS)),
    "language": Field(
        gettext_lazy("Language"),
        lambda t: [t.language] if t.language else [],
        check=_known(_languages, _("Unknown language “%(value)s”.")),
    ),
}


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
    if value and spec.check is not None:
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
    notices: list[tuple[list[User], str]]


def plan(actions: list[tuple[str, str]], ticket: Ticket) -> Plan:
    changes: dict[str, Any] = {}
    notes: list[str] = []
    replies: list[str] = []
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
            if kind == "add_tags":
                tags += [t for t in resolved if t not in tags]
            else:
                tags = [t for t in tags if t not in resolved]
        elif kind == "set_custom_field":
            changes.setdefault("custom_fields", {})[resolved[0]] = resolved[1] or None
        elif kind == "add_note":
            notes.append(placeholders.render(resolved, ticket=ticket))
        elif kind == "reply":
            replies.append(placeholders.render(resolved, ticket=ticket))
        elif kind == "notify":
            notices.append((resolved[0], placeholders.render(resolved[1], ticket=ticket)))
    if tags is not None:
        changes["tags"] = tags
    return Plan(changes, notes, replies, notices)
