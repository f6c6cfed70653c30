"""Forms of the automation screens: they parse input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relaydesk.automation import rules
from relaydesk.automation.models import (
    AssignmentMode,
    Availability,
    Clock,
    Match,
    TimeRule,
    TriggerOn,
)
from relaydesk.desk.forms import NoColon
from relaydesk.tickets.models import StatusCategory


class AvailabilityForm(NoColon, forms.Form):
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)


class RoutingForm(NoColon, forms.Form):
    mode = forms.ChoiceField(label=_("Assignment"), choices=AssignmentMode.choices)
    sticky = forms.BooleanField(
        label=_("Sticky: a customer's requests go to the agent who handled the last one"),
        required=False,
    )
    match_language = forms.BooleanField(
        label=_("Only agents who answer in the ticket's language"), required=False
    )


class AgentForm(NoColon, forms.Form):
    capacity = forms.IntegerField(
        label=_("Open ticket cap"), min_value=0, max_value=10_000, help_text=_("0 means no cap.")
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated; a ticket tagged with a skill needs an agent who has it."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def skill_names(self) -> list[str]:
        return [s for s in self.cleaned_data["skills"].split(",") if s.strip()]


class TriggerForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    on = forms.ChoiceField(label=_("When"), choices=TriggerOn.choices)
    match = forms.ChoiceField(label=_("Match"), choices=Match.choices)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("Lower runs first."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}


class TimeRuleForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    status = forms.ChoiceField(label=_("Tickets that are"), choices=StatusCategory.choices)
    clock = forms.ChoiceField(label=_("Clock"), choices=Clock.choices)
    after = forms.IntegerField(label=_("Time"), min_value=1, max_value=100_000)
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("minutes", _("minutes")), ("hours", _("hours")), ("days", _("days"))],
    )
    match = forms.ChoiceField(label=_("Match"), choices=Match.choices)
    position = TriggerForm.base_fields["position"]
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @staticmethod
    def initial_for(rule: TimeRule | None) -> dict[str, Any]:
        if rule is None:
            return {
                "status": "pending",
                "clock": Clock.STATUS,
                "after": 5,
                "unit": "days",
                "match": "all",
                "position": 0,
                "is_active": True,
            }
        unit = next(u for u in ("days", "hours", "minutes") if rule.minutes % UNITS[u] == 0)
        return {
            "name": rule.name,
            "status": rule.status,
            "clock": rule.clock,
            "after": rule.minutes // UNITS[unit],
            "unit": unit,
            "match": rule.match,
            "position": rule.position,
            "is_active": rule.is_active,
        }

    def rule_fields(self) -> dict[str, Any]:
        """The cleaned fields as `services.save_time_rule` takes them."""
        data = dict(self.cleaned_data)
        data["minutes"] = data.pop("after") * UNITS[data.pop("unit")]
        return data


class ConditionForm(NoColon, forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    operator = forms.ChoiceField(
        label=_("Operator"), choices=list(rules.OPERATORS.items()), required=False
    )
    value = forms.CharField(label=_("Value"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *rules.field_choices()]

    def row(self) -> tuple[str, str, str] | None:
        data = self.cleaned_data
        if not data.get("field"):
            return None
        return data["field"], data.get("operator") or rules.IS, data.get("value", "")


class ActionForm(NoColon, forms.Form):
    kind = forms.ChoiceField(
        label=_("Action"), choices=[("", "—"), *rules.ACTIONS.items()], required=False
    )
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=rules.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def row(self) -> tuple[str, str] | None:
        kind = self.cleaned_data.get("kind")
        return (kind, self.cleaned_data.get("value", "")) if kind else None


# A posted TOTAL_FORMS above absolute_max is refused before any row form is built.
ConditionFormSet = forms.formset_factory(
    ConditionForm, extra=2, max_num=30, absolute_max=30, validate_max=True
)
ActionFormSet = forms.formset_factory(
    ActionForm, extra=2, max_num=30, absolute_max=30, validate_max=True
)
