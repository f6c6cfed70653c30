"""The search page's query string. Invalid values are reported and ignored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Organization
from relaydesk.desk.forms import NoColon, agent_field, department_field
from relaydesk.desk.listing import ARCHIVED
from relaydesk.search.service import MAX_QUERY
from relaydesk.tickets.models import Channel, StatusCategory


class SearchForm(NoColon, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY, strip=True)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("relevance", _("Relevance")), ("date", _("Newest activity"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            *StatusCategory.choices,
            (ARCHIVED, _("Archived")),
        ],
    )
    department = department_field(_("Any department"))
    assignee = agent_field(_("Anyone"))
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
