from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relaydesk.mailtemplates.compose import MAX_BODY, MAX_SUBJECT


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        strip=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "dir": "auto"}),
    )
    ticket = forms.IntegerField(
        label=_("Preview with ticket number"), required=False, min_value=1, max_value=2**31 - 1
    )
