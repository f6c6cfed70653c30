"""Forms of the portal: they parse and show input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User
from relaydesk.desk.forms import (
    CUSTOM_PREFIX,
    MultipleFileField,
    NoColon,
    custom_form_field,
)
from relaydesk.portal import richtext, satisfaction, satisfaction_report
from relaydesk.portal.mails import RESET, queue_account_mail
from relaydesk.sla.forms import ReportForm
from relaydesk.tickets.models import Category, CustomField, Priority, StatusGroup
from relaydesk.tickets.text import html_to_text

MAX_BODY = 50_000


class PortalLoginForm(NoColon, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or the password is not right."),
    }


class EmailForm(NoColon, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class SignupForm(EmailForm):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean_name(self) -> str:
        return " ".join(str(self.cleaned_data["name"]).replace("\x00", "").split())


class ChoosePasswordForm(NoColon, forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class QueuedPasswordResetForm(NoColon, PasswordResetForm):
    """Django's reset form, with the mail sent by a task after commit, and also for customers
    created from mail who never had a password (that is how they claim their account)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = str(self.cleaned_data["email"]).strip().lower()
        queue_account_mail(RESET, email)


class RequestFilterForm(NoColon, forms.Form):
    """The "My requests" query string. Invalid values are ignored."""

    group = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *StatusGroup.choices],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    scope = forms.ChoiceField(
        label=_("Requests"),
        required=False,
        choices=[("", _("Mine")), ("organization", _("My organization's"))],
    )


class RequestForm(NoColon, forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        widget=forms.TextInput(
            attrs={
                # While the customer types, matching articles appear below (KB3).
                "autocomplete": "off",
                "hx-get": reverse_lazy("kb:suggest"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#kb-suggestions",
                "hx-sync": "this:replace",
            }
        ),
    )
    body = forms.CharField(
        label=_("Description"),
        max_length=MAX_BODY,
        required=False,  # or `body_html`, see clean()
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    body_html = forms.CharField(max_length=4 * MAX_BODY, required=False, widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Priority.choices, initial=Priority.NORMAL
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        required=False,
        empty_label="—",
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_keys: list[str] = []
        # Only fields for every ticket type: the customer does not choose a type.
        shown = CustomField.objects.filter(customer_visible=True, ticket_types=None)
        for field in shown.order_by("position", "label"):
            self.fields[CUSTOM_PREFIX + field.key] = custom_form_field(field)
            self.custom_keys.append(field.key)
        self.fields["attachments"] = self.fields.pop("attachments")  # files last

    def rich_html(self) -> str:
        """The editor's content to show again after an error, made safe first."""
        return richtext.clean(str(self.data.get("body_html", ""))) if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        """Rich text (from the editor) wins, and its plain text is derived from it; without
        the script only the plain description arrives."""
        data = super().clean() or {}
        html = richtext.clean(data.get("body_html", ""))
        data["body_html"] = html
        if html:
            data["body"] = html_to_text(html)[:MAX_BODY]
        if not data.get("body") and "body" not in self.errors:
            self.add_error("body", forms.ValidationError(_("Describe your request.")))
        return data

    def custom_fields(self) -> dict[str, Any]:
        values = {key: self.cleaned_data.get(CUSTOM_PREFIX + key) for key in self.custom_keys}
        return {key: value for key, value in values.items() if value not in (None, "", False)}


class ReplyForm(NoColon, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Attach files"))


class RatingForm(NoColon, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=lambda: satisfaction.choices(),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=satisfaction.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MailPreferenceForm(NoColon, forms.Form):
    ticket_updates = forms.BooleanField(
        label=_("Email me when my requests get an answer or change status"), required=False
    )


class ContactForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=250)
    message = forms.CharField(label=_("Message"), max_length=MAX_BODY, widget=forms.Textarea)
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(label=_("Website"), required=False, max_length=200)
    ts = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)


class SatisfactionReportForm(ReportForm):
    default_group = "month"
    group = forms.ChoiceField(
        label=_("Per"),
        choices=[(key, label) for key, (label, _e) in satisfaction_report.GROUPS.items()],
    )
