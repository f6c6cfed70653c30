"""Custom ticket fields: values checked against their definitions (TK3)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from relaydesk.tickets.models import CustomField, FieldKind, TicketType

MAX_TEXT = 1000


def fields_for(ticket_type: TicketType | int | None) -> list[CustomField]:
    """The custom fields of tickets of this type (or type id): those of every type first."""
    fields = CustomField.objects.filter(Q(ticket_types=None) | Q(ticket_types=ticket_type))
    return list(fields.distinct().order_by("position", "label"))


def clean_value(field: CustomField, value: Any) -> Any:
    """One value as tickets store it for this field (None for empty); ValueError if bad."""
    if value in (None, ""):
        return None
    if field.kind == FieldKind.TEXT:
        text = str(value).replace("\x00", "").strip()  # PostgreSQL refuses NUL characters
        if len(text) > MAX_TEXT:
            raise ValueError(_("At most %(max)d characters.") % {"max": MAX_TEXT})
        return text or None
    if field.kind == FieldKind.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.kind == FieldKind.DATE:
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if field.kind == FieldKind.DROPDOWN:
        if str(value) not in [str(o) for o in field.options]:
            raise ValueError(_("Choose one of the offered values."))
        return str(value)
    if field.kind == FieldKind.CHECKBOX:
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"1", "true", "on", "yes"}:
            return True
        if str(value).lower() in {"0", "false", "off", "no"}:
            return False
        raise ValueError(_("Enter yes or no."))
    raise ValueError(_("Unknown field kind."))


def check_values(
    values: Mapping[str, Any],
    known: Mapping[str, CustomField],
    *,
    hidden: Callable[[CustomField], bool] = lambda field: False,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Each value cleaned by its field's definition: the clean ones by key (empty ones left
    out) and the errors by key. A key of no known field, or of a `hidden` one, is unknown."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        field = known.get(key)
        if field is None or hidden(field):
            errors.setdefault("custom_fields", []).append(
                _("Unknown field: %(key)s") % {"key": str(key)[:60]}
            )
            continue
        try:
            result = clean_value(field, value)
        except ValueError as exc:
            errors.setdefault(f"custom_fields.{key}", []).append(f"{field.label}: {exc}")
            continue
        if result is not None:
            cleaned[key] = result
    return cleaned, errors


def clean_custom_fields(
    values: dict[str, Any], ticket_type: TicketType | None, *, customer: bool
) -> dict[str, Any]:
    """Validate values by key; unknown keys and fields customers may not set are refused."""
    if not isinstance(values, dict):
        raise ValidationError({"custom_fields": _("Custom fields must be a mapping.")})
    if not values:
        return {}
    known = {f.key: f for f in fields_for(ticket_type)}
    cleaned, errors = check_values(
        values, known, hidden=lambda field: customer and not field.customer_visible
    )
    if errors:
        raise ValidationError(errors)
    return cleaned
