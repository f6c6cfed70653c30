"""Names or ids in requests to rows, each failure a field error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from relaydesk.accounts.models import STAFF_ROLES, Department, User
from relaydesk.tickets.models import TicketType


def _by_id_or_name[M: Model](model: type[M], value: int | str, field: str) -> M:
    text = str(value).strip()
    rows = model._default_manager.all()
    found = rows.filter(pk=int(text)) if text.isdigit() else rows.filter(name__iexact=text)
    row = found.first()
    if row is None:
        raise ValidationError(
            {field: _("No such %(field)s: %(value)s") % {"field": field, "value": text[:60]}}
        )
    return row


def department(value: int | str | None) -> Department | None:
    return None if value is None else _by_id_or_name(Department, value, "department")


def ticket_type(value: int | str | None) -> TicketType | None:
    return None if value is None else _by_id_or_name(TicketType, value, "type")


def agent(value: int | None) -> User | None:
    if value is None:
        return None
    found = User.objects.filter(pk=value, role__in=STAFF_ROLES, is_active=True).first()
    if found is None:
        raise ValidationError({"assignee": _("No such agent: %(id)s") % {"id": value}})
    return found
