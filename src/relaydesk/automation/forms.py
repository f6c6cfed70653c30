"""Forms of the automation screens: they parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relaydesk.automation.models import AssignmentMode, Availability
from relaydesk.desk.forms import NoColon


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
