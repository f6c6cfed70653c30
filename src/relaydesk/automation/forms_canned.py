"""Forms of the canned response and macro screens: they parse input; canned.py checks it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relaydesk.desk.forms import NoColon
from relaydesk.tickets.models import Priority, StatusCategory


class CannedForm(NoColon, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *settings.LANGUAGES], required=False
    )
    shared = forms.BooleanField(label=_("Shared with every agent"), required=False)


class MacroForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    body = forms.CharField(
        label=_("Reply"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Leave empty to change fields only."),
    )
    internal = forms.BooleanField(label=_("Send as an internal note"), required=False)
    status = forms.ChoiceField(
        label=_("Set status"),
        required=False,
        choices=[("", _("Unchanged")), *StatusCategory.choices],
    )
    priority = forms.TypedChoiceField(
        label=_("Set priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Unchanged")), *Priority.choices],
    )
    add_tags = forms.CharField(
        label=_("Add tags"), max_length=500, required=False, help_text=_("Comma-separated.")
    )
    assign_to_me = forms.BooleanField(label=_("Assign to the agent applying it"), required=False)
