"""Forms of the contact and organization pages (PO6); the rules live in `accounts.contacts`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.contacts import MAX_NOTES, MAX_PHONE
from relaydesk.accounts.models import Organization
from relaydesk.desk.forms import ModelChoice, NoColon

MAX_QUERY = 200
LTR = {"dir": "ltr"}  # addresses and numbers read left to right in Persian pages too


class DirectorySearchForm(NoColon, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY, required=False, strip=True)


class ContactForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=MAX_PHONE, required=False, widget=forms.TextInput(LTR)
    )
    organization = ModelChoice(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea({"rows": 4, "dir": "auto"}),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ModelChoice, self.fields["organization"]).queryset = organizations


class EmailForm(NoColon, forms.Form):
    email = forms.EmailField(
        label=_("Further email address"), max_length=254, widget=forms.EmailInput(LTR)
    )


class PhoneForm(NoColon, forms.Form):
    phone = forms.CharField(
        label=_("Further phone number"), max_length=MAX_PHONE, widget=forms.TextInput(LTR)
    )


class MergeForm(NoColon, forms.Form):
    into = forms.EmailField(
        label=_("Merge into the contact with the address"),
        max_length=254,
        widget=forms.EmailInput(LTR),
        help_text=_("This contact's requests, addresses and numbers move there; it is disabled."),
    )


class NotesForm(NoColon, forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea({"rows": 5, "dir": "auto"}),
    )
