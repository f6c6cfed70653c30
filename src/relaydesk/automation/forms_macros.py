"""The macro editor's form: plain fields for everything a macro sets, custom fields included
(one input per defined field). It parses input; `macros.save_macro` checks it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, User
from relaydesk.automation.models import Macro, MacroAssign
from relaydesk.desk.forms import (
    CUSTOM_PREFIX,
    ModelChoice,
    NoColon,
    agents,
    category_field,
    custom_form_field,
    priority_filter,
    status_filter,
    type_field,
)
from relaydesk.tickets.models import CustomField, FieldKind

UNCHANGED = _("Unchanged")


def _custom_field(field: CustomField) -> forms.Field:
    """A ticket's input for the field, where empty means "unchanged" (a checkbox becomes
    yes / no / unchanged)."""
    if field.kind == FieldKind.CHECKBOX:
        choices = [("", UNCHANGED), ("true", _("Yes")), ("false", _("No"))]
        return forms.ChoiceField(label=field.label, choices=choices, required=False)
    return custom_form_field(field)


class MacroForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *settings.LANGUAGES], required=False
    )
    shared = forms.BooleanField(label=_("Shared with every agent"), required=False)
    body = forms.CharField(
        label=_("Reply"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("Leave empty to change fields only."),
    )
    internal = forms.BooleanField(label=_("Send as an internal note"), required=False)
    status = status_filter(UNCHANGED)
    priority = priority_filter(UNCHANGED)
    type = type_field(UNCHANGED)
    category = category_field(UNCHANGED)
    department = ModelChoice(
        label=_("Transfer to department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=UNCHANGED,
        help_text=_("Unassigned there, unless an agent is chosen below."),
    )
    assign = forms.ChoiceField(label=_("Assignee"), choices=MacroAssign.choices, required=False)
    assignee = ModelChoice(
        label=_("Agent"),
        queryset=agents(),
        required=False,
        empty_label="—",
        help_text=_("With “A chosen agent”."),
    )
    add_tags = forms.CharField(
        label=_("Add tags"), max_length=500, required=False, help_text=_("Comma-separated.")
    )
    remove_tags = forms.CharField(
        label=_("Remove tags"), max_length=500, required=False, help_text=_("Comma-separated.")
    )

    def __init__(self, *args: Any, macro: Macro | None = None, **kwargs: Any) -> None:
        if macro is not None:
            kwargs.setdefault("initial", initial_of(macro))
        super().__init__(*args, **kwargs)
        if macro is not None:  # a department or agent gone inactive since stays shown: the
            # service then says why it cannot be kept, rather than the form dropping it
            department = cast(ModelChoice, self.fields["department"])
            department.queryset = Department.objects.filter(
                Q(is_active=True) | Q(pk=macro.department_id)
            )
            assignee = cast(ModelChoice, self.fields["assignee"])
            chosen = User.objects.filter(pk__in=[macro.assignee_id] if macro.assignee_id else [])
            assignee.queryset = (agents() | chosen).order_by("name", "email")
        self.custom_keys: list[str] = []
        for field in CustomField.objects.order_by("position", "label"):
            self.fields[CUSTOM_PREFIX + field.key] = _custom_field(field)
            self.custom_keys.append(field.key)
        self.fields["status"].label = _("Set status")
        self.fields["priority"].label = _("Set priority")
        self.fields["type"].label = _("Set type")
        self.fields["category"].label = _("Set category")
        self.fields["category"].help_text = ""

    def macro_fields(self) -> dict[str, Any]:
        """`save_macro`'s keyword arguments."""
        data = dict(self.cleaned_data)
        data["custom_fields"] = {
            key: value
            for key in self.custom_keys
            if (value := data.pop(CUSTOM_PREFIX + key)) not in (None, "")
        }
        return data

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(CUSTOM_PREFIX)]

    @property
    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + key] for key in self.custom_keys]


def initial_of(macro: Macro) -> dict[str, Any]:
    names = (
        "name", "language", "body", "internal", "status", "priority", "assign", "add_tags",
        "remove_tags",
    )  # fmt: skip
    initial: dict[str, Any] = {name: getattr(macro, name) for name in names}
    initial |= {
        "shared": macro.is_shared,
        "type": macro.type_id,
        "category": macro.category_id,
        "department": macro.department_id,
        "assignee": macro.assignee_id,
    }
    for key, value in macro.custom_fields.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        initial[CUSTOM_PREFIX + key] = value
    return initial
