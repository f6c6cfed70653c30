"""Macros (AU4): a reply plus field changes applied to a ticket in one action. Who sees and
keeps which (shared ones: administrators and supervisors; personal ones: their owner), the
checks a macro passes when it is saved, what it would do, and applying it through the ticket
services, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Department, User
from relaydesk.automation import placeholders
from relaydesk.automation.canned import clean_text
from relaydesk.automation.models import Macro, MacroAssign, split_tags
from relaydesk.automation.owned import can_keep, language_first, shared_or_own
from relaydesk.automation.services import can_edit_rules
from relaydesk.tickets import events
from relaydesk.tickets import services as tickets
from relaydesk.tickets.fields import check_values, fields_for
from relaydesk.tickets.models import (
    Category,
    CustomField,
    CustomStatus,
    Priority,
    StatusCategory,
    Ticket,
    TicketType,
)
from relaydesk.tickets.visibility import can_change

MAX_MACROS_LISTED = 1000


def visible_macros(user: User) -> QuerySet[Macro]:
    """Shared macros and the user's own; nothing for customers. The one door to macros."""
    return shared_or_own(Macro.objects.all(), user)


def for_ticket(user: User, ticket: Ticket) -> list[Macro]:
    """The ticket page's menu: the ticket's language first, then any language, then the
    others."""
    found = visible_macros(user).order_by(language_first(ticket.language), Lower("name"), "pk")
    return list(found[:MAX_MACROS_LISTED])


def _refuse_unless_keeper(actor: User, macro: Macro | None, shared: bool) -> None:
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents keep macros."))
    if macro is not None and not can_keep(actor, macro):
        raise PermissionDenied(_("You may not change this macro."))
    if shared and not can_edit_rules(actor):
        raise PermissionDenied(_("Only administrators and supervisors keep shared macros."))


def _clean_custom_fields(
    values: Mapping[str, Any], ticket_type: TicketType | None
) -> dict[str, Any]:
    """Values by key, checked as a ticket's would be; empty ones are dropped (no change)."""
    if not isinstance(values, Mapping):
        raise ValidationError({"custom_fields": _("Custom fields must be a mapping.")})
    known = {f.key: f for f in CustomField.objects.all()}
    applicable = {f.key for f in fields_for(ticket_type)} if ticket_type else set(known)
    cleaned, errors = check_values(values, known)
    for key in [k for k in cleaned if k not in applicable]:
        errors.setdefault(f"custom_fields.{key}", []).append(
            _("%(field)s is not a field of the type %(type)s.")
            % {"field": known[key].label, "type": ticket_type}
        )
        del cleaned[key]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_fields(
    *,
    status: str,
    priority: int | None,
    department: Department | None,
    assign: str,
    assignee: User | None,
    add_tags: str,
    remove_tags: str,
) -> tuple[list[str], list[str]]:
    errors: dict[str, Any] = {}
    if status:
        try:
            tickets.parse_status(status)
        except ValidationError as error:
            errors.update(error.message_dict)
    if priority is not None and priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    if department is not None and not department.is_active:
        errors["department"] = _("This department is not active.")
    if assign not in MacroAssign.values:
        errors["assign"] = _("Unknown choice.")
    elif assign == MacroAssign.AGENT and assignee is None:
        errors["assignee"] = _("Choose the agent.")
    elif assign != MacroAssign.AGENT and assignee is not None:
        errors["assignee"] = _("An agent is chosen only with “A chosen agent”.")
    elif assignee is not None and not assignee.is_agent:
        errors["assignee"] = _("Tickets can only be assigned to active agents.")
    added: list[str] = []
    removed: list[str] = []
    for name, text in (("add_tags", add_tags), ("remove_tags", remove_tags)):
        try:
            names = tickets.clean_tag_names(split_tags(text or ""))
        except ValidationError as error:
            errors[name] = error.message_dict["tags"]
            continue
        (added if name == "add_tags" else removed).extend(names)
    if set(added) & set(removed):
        errors["remove_tags"] = _("A tag cannot be both added and removed.")
    if errors:
        raise ValidationError(errors)
    return added, removed


def build_macro(
    *,
    actor: User,
    macro: Macro | None,
    name: str,
    body: str = "",
    internal: bool = False,
    language: str = "",
    shared: bool = False,
    status: str = "",
    priority: int | None = None,
    type: TicketType | None = None,
    category: Category | None = None,
    department: Department | None = None,
    assign: str = "",
    assignee: User | None = None,
    add_tags: str = "",
    remove_tags: str = "",
    custom_fields: Mapping[str, Any] | None = None,
) -> Macro:
    """The macro with these fields, checked but not saved (`save_macro` saves it; the
    editor's preview only shows it). Every agent keeps personal ones; shared ones are kept by
    administrators and supervisors. Empty fields change nothing when it is applied."""
    _refuse_unless_keeper(actor, macro, shared)
    errors: dict[str, Any] = {}

    def attempt[T](check: Callable[[], T]) -> T | None:
        try:
            return check()
        except ValidationError as error:
            errors.update(error.message_dict)
            return None

    text = attempt(lambda: clean_text(name, body, language, title_field="name"))
    tags = attempt(
        lambda: _check_fields(
            status=status,
            priority=priority,
            department=department,
            assign=assign,
            assignee=assignee,
            add_tags=add_tags,
            remove_tags=remove_tags,
        )
    )
    custom = attempt(lambda: _clean_custom_fields(custom_fields or {}, type))
    if errors or text is None or tags is None or custom is None:
        raise ValidationError(errors)
    (name, body), (added, removed) = text, tags
    macro = macro or Macro()
    macro.owner = None if shared else actor
    macro.name, macro.body, macro.internal, macro.language = name, body, internal, language
    macro.status, macro.priority = status, priority
    macro.type, macro.category, macro.department = type, category, department
    macro.assign, macro.assignee = assign, assignee
    macro.add_tags, macro.remove_tags = ", ".join(added), ", ".join(removed)
    macro.custom_fields = custom
    return macro


@transaction.atomic
def save_macro(*, actor: User, macro: Macro | None, **fields: Any) -> Macro:
    """Create or change a macro (`build_macro`'s fields)."""
    built = build_macro(actor=actor, macro=macro, **fields)
    built.updated_at = timezone.now()
    built.save()
    return built


@transaction.atomic
def delete_macro(macro: Macro, *, actor: User) -> None:
    _refuse_unless_keeper(actor, macro, shared=False)
    macro.delete()


def _assignee(macro: Macro, actor: User) -> User | None:
    if macro.assign == MacroAssign.ME:
        return actor
    if macro.assign == MacroAssign.AGENT:
        return macro.assignee
    return None


def _changes(macro: Macro, ticket: Ticket, actor: User, *, transfer: bool) -> dict[str, Any]:
    """`update_ticket`'s changes for this ticket: only what the macro sets."""
    changes: dict[str, Any] = {}
    if macro.status:
        changes["status"] = macro.status
    if macro.priority is not None:
        changes["priority"] = macro.priority
    if macro.type_id is not None:
        changes["type"] = macro.type
    if macro.category_id is not None:
        changes["category"] = macro.category
    if macro.custom_fields:
        changes["custom_fields"] = dict(macro.custom_fields)
    added, removed = macro.tag_names, macro.removed_tag_names
    if added or removed:
        current = list(ticket.tags.values_list("name", flat=True))
        wanted = tickets.retag(current, add=added, remove=removed)
        if wanted != current:
            changes["tags"] = wanted
    if macro.assign and not transfer:
        changes["assignee"] = _assignee(macro, actor)
    return changes


@events.action
def apply_macro(macro: Macro, *, ticket: Ticket, actor: User) -> Ticket:
    """The macro's reply and changes through the ticket services as one action: one set of
    history lines (each naming the macro), SLA, triggers and webhooks as for any agent's
    change. If any part is refused, nothing of it stays.

    Order: the reply (placeholders filled from the ticket as it was), the field changes, and
    last the transfer to another department (with the macro's agent, else unassigned), after
    which the agent may no longer be able to change the ticket."""
    if not visible_macros(actor).filter(pk=macro.pk).exists():
        raise PermissionDenied(_("You may not use this macro."))
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    transfer = macro.department_id is not None and macro.department_id != ticket.department_id
    with translation.override(settings.LANGUAGE_CODE):  # history in one language, as triggers
        cause = _("Macro: %(name)s") % {"name": macro.name}
    with events.caused_by(cause):
        if macro.body:
            text = placeholders.render(macro.body, ticket=ticket, agent=actor)
            tickets.add_message(
                ticket, actor=actor, body=tickets.Body(text), internal=macro.internal
            )
        changes = _changes(macro, ticket, actor, transfer=transfer)
        if changes:
            ticket = tickets.update_ticket(ticket, actor=actor, **changes)
        if transfer:
            ticket = tickets.transfer(
                ticket,
                actor=actor,
                department=macro.department,
                assignee=_assignee(macro, actor),
                note="",
            )
    return ticket


def describe(macro: Macro) -> list[str]:
    """What the macro does, one line per part, in the reader's language (the editor's
    preview)."""
    return descriptions([macro])[0]


def descriptions(found: Sequence[Macro]) -> list[list[str]]:
    """`describe` for each macro (the list), with the custom statuses' names and the custom
    fields' labels read once for all of them."""
    custom_ids = {
        int(m.status.removeprefix("custom:"))
        for m in found
        if m.status.startswith("custom:") and m.status.removeprefix("custom:").isdigit()
    }
    statuses = (
        dict(CustomStatus.objects.filter(pk__in=custom_ids).values_list("pk", "name"))
        if custom_ids
        else {}
    )
    keys = {key for m in found for key in m.custom_fields or {}}
    labels = (
        dict(CustomField.objects.filter(key__in=keys).values_list("key", "label")) if keys else {}
    )
    return [_describe(m, statuses, labels) for m in found]


def _status_label(value: str, statuses: Mapping[int, str]) -> str:
    custom = value.removeprefix("custom:")
    if custom != value:
        return statuses.get(int(custom), value) if custom.isdigit() else value
    return str(StatusCategory(value).label) if value in StatusCategory.values else value


def _describe(macro: Macro, statuses: Mapping[int, str], labels: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    if macro.body:
        lines.append(_("Adds an internal note") if macro.internal else _("Sends a public reply"))
    if macro.status:
        lines.append(_("Status: %(value)s") % {"value": _status_label(macro.status, statuses)})
    if macro.priority is not None:
        lines.append(_("Priority: %(value)s") % {"value": Priority(macro.priority).label})
    if macro.type_id is not None:
        lines.append(_("Type: %(value)s") % {"value": macro.type})
    if macro.category_id is not None:
        lines.append(_("Category: %(value)s") % {"value": macro.category})
    for key, value in sorted((macro.custom_fields or {}).items()):
        shown = (_("yes") if value else _("no")) if isinstance(value, bool) else value
        lines.append(_("%(field)s: %(value)s") % {"field": labels.get(key, key), "value": shown})
    if macro.tag_names:
        lines.append(_("Adds tags: %(value)s") % {"value": ", ".join(macro.tag_names)})
    if macro.removed_tag_names:
        lines.append(_("Removes tags: %(value)s") % {"value": ", ".join(macro.removed_tag_names)})
    if macro.department_id is not None:
        lines.append(_("Transfers to %(value)s") % {"value": macro.department})
    if macro.assign == MacroAssign.ME:
        lines.append(_("Assigns to the agent applying it"))
    elif macro.assign == MacroAssign.AGENT and macro.assignee is not None:
        lines.append(_("Assigns to %(value)s") % {"value": macro.assignee.display_name})
    elif macro.assign == MacroAssign.NOBODY:
        lines.append(_("Unassigns"))
    elif macro.department_id is not None:
        lines.append(_("Leaves the ticket unassigned in that department"))
    return lines
