"""Forms of the desk: they parse and show input; the rules live in the services."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import BaseRenderer, Jinja2
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import STAFF_ROLES, Department, Organization, User
from relaydesk.desk import reference
from relaydesk.desk.widgets import FastSelect, speed_up
from relaydesk.sla.states import State as SlaState
from relaydesk.tickets.bulk import NO_ASSIGNEE
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomField,
    FieldKind,
    Priority,
    StatusCategory,
    StatusGroup,
    Ticket,
    TicketType,
)

CUSTOM_PREFIX = "cf_"
SORT_FIELDS = (
    "number",
    "subject",
    "requester",
    "status",
    "priority",
    "assignee",
    "updated",
    "created",
)
COLUMNS = (
    ("number", _("#")),
    ("subject", _("Subject")),
    ("requester", _("Requester")),
    ("status", _("Status")),
    ("priority", _("Priority")),
    ("assignee", _("Assignee")),
    ("due", _("SLA")),
    ("updated", _("Updated")),
    ("created", _("Created")),
)
FIXED_COLUMNS = ("number", "subject")
DESK_CHANNELS = (Channel.PHONE, Channel.IN_PERSON, Channel.EMAIL, Channel.INTERNAL)

if TYPE_CHECKING:  # the stubs are a development dependency
    from django_stubs_ext import StrOrPromise


class ListedChoices(ModelChoiceIterator):
    """A select's options from one plain query (Django's default streams them through a
    server-side cursor, three round trips on PostgreSQL for a list of a few dozen rows), or
    from the process's reference lists when the field names one."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        name = getattr(self.field, "reference", "")
        rows = reference.cached(name, lambda: list(self.queryset)) if name else self.queryset
        for obj in list(rows):
            yield self.choice(obj)


class ModelChoice(forms.ModelChoiceField):
    """A model select; `reference` names a process-wide list (`desk.reference`) to offer
    instead of querying on every form. Use it only for querysets that are the same for
    everyone."""

    iterator = ListedChoices

    def __init__(self, *args: Any, reference: str = "", **kwargs: Any) -> None:
        self.reference = reference
        super().__init__(*args, **kwargs)


FAST_RENDERER = Jinja2()


class NoColon:
    """Labels without Django's trailing colon; widgets rendered by Jinja2 (Django ships the
    same widget templates for it), several times faster than the Django template engine on
    pages full of selects, such as the ticket list and the ticket page."""

    default_renderer: BaseRenderer | type[BaseRenderer] | None = FAST_RENDERER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        speed_up(cast(forms.BaseForm, self))


class DeskLoginForm(NoColon, AuthenticationForm):
    """Email and password; customers are sent to the portal, not into the desk."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address or the password is not right."),
        "customer": _("This sign-in is for agents. Customers use the support portal."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_agent:
            raise ValidationError(self.error_messages["customer"], code="customer")


def agents() -> QuerySet[User]:
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("name", "email")


def agent_list() -> list[User]:
    return reference.cached("agents", lambda: list(agents()))


def status_choices() -> list[tuple[str, str]]:
    """Every category, each followed by the custom statuses mapped to it."""
    customs = reference.custom_statuses()
    choices: list[tuple[str, str]] = []
    for value, label in StatusCategory.choices:
        choices.append((value, str(label)))
        choices += [
            (f"custom:{c.pk}", f"{label} › {c.name}") for c in customs if c.category == value
        ]
    return choices


def status_filter(empty_label: StrOrPromise) -> forms.ChoiceField:
    """An optional status (category or custom), offered after `empty_label`."""
    return forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=lambda: [("", empty_label), *status_choices()],
    )


def priority_filter(empty_label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", empty_label), *Priority.choices],
    )


def department_field(empty_label: StrOrPromise, *, active: bool = False) -> ModelChoice:
    """A department (only active ones with `active`), from the reference lists."""
    return ModelChoice(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True) if active else Department.objects.all(),
        reference="active-departments" if active else "departments",
        required=False,
        empty_label=empty_label,
    )


def agent_field(empty_label: StrOrPromise, label: StrOrPromise | None = None) -> ModelChoice:
    """An agent (the assignee, unless `label` says otherwise), from the reference lists."""
    return ModelChoice(
        label=label or _("Assignee"),
        queryset=agents(),
        reference="agents",
        required=False,
        empty_label=empty_label,
    )


def type_field(empty_label: StrOrPromise = "—") -> ModelChoice:
    return ModelChoice(
        label=_("Type"),
        queryset=TicketType.objects.all(),
        reference="types",
        required=False,
        empty_label=empty_label,
    )


def category_field(empty_label: StrOrPromise = "—", **kwargs: Any) -> ModelChoice:
    return ModelChoice(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        reference="categories",
        required=False,
        empty_label=empty_label,
        **kwargs,
    )


def tags_field() -> forms.CharField:
    return forms.CharField(
        label=_("Tags"), required=False, max_length=1100, help_text=_("Separated by commas.")
    )


# Relative periods a saved view keeps as such ("last 7 days" moves with the clock): the
# value is `last_<days>` (since then) or `over_<days>` (before then).
PERIODS = (
    ("last_1", _("Last 24 hours")),
    ("last_7", _("Last 7 days")),
    ("last_30", _("Last 30 days")),
    ("last_90", _("Last 90 days")),
    ("over_7", _("More than 7 days ago")),
    ("over_30", _("More than 30 days ago")),
    ("over_90", _("More than 90 days ago")),
)


def period_field(label: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", _("Any time")), *PERIODS])


def date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TicketFilterForm(NoColon, forms.Form):
    """The list's query string. Invalid values are reported and ignored."""

    status = status_filter(_("Any status"))
    priority = priority_filter(_("Any priority"))
    department = department_field(_("Any department"))
    assignee = agent_field(_("Anyone"))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    sla = forms.ChoiceField(
        label=_("SLA"), required=False, choices=[("", _("Any SLA state")), *SlaState.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    requester = forms.CharField(
        label=_("Requester email"),
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("customer@example.com"),
                "data-shortcut": "/",
                "type": "search",
            }
        ),
    )
    type = type_field(_("Any type"))
    category = category_field(_("Any category"), help_text=_("Its subcategories too."))
    organization = ModelChoice(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        reference="organizations",
        required=False,
        empty_label=_("Any organization"),
    )
    created = period_field(_("Created"))
    created_from = date_field(_("Created from"))
    created_to = date_field(_("Created until"))
    updated = period_field(_("Updated"))
    updated_from = date_field(_("Updated from"))
    updated_to = date_field(_("Updated until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("created", "updated"):
            start, end = data.get(f"{name}_from"), data.get(f"{name}_to")
            if start and end and start > end:
                self.add_error(f"{name}_to", _("The end is before the start."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ComposerForm(NoColon, forms.Form):
    internal = forms.BooleanField(label=_("Internal note"), required=False)
    body = forms.CharField(
        label=_("Message"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 5, "data-shortcut": "r"}),
    )
    status = forms.ChoiceField(
        label=_("Then set status"),
        required=False,
        choices=[("", _("Leave as is")), *StatusCategory.choices],
    )
    attachments = MultipleFileField(label=_("Attach files"))
    cc = forms.CharField(
        label=_("Cc"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("name@example.com, …"), "dir": "ltr"}),
    )
    bcc = forms.CharField(
        label=_("Bcc"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("name@example.com, …"), "dir": "ltr"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("internal") and (data.get("cc") or data.get("bcc")):
            raise forms.ValidationError(_("Internal notes are not mailed: remove Cc and Bcc."))
        return data


def custom_form_field(field: CustomField) -> forms.Field:
    label = field.label
    if field.kind == FieldKind.NUMBER:
        number = forms.TextInput(attrs={"inputmode": "decimal"})
        return forms.CharField(label=label, widget=number, required=False)
    if field.kind == FieldKind.DATE:
        date = forms.DateInput(attrs={"type": "date"})
        return forms.CharField(label=label, widget=date, required=False)
    if field.kind == FieldKind.DROPDOWN:
        options = [("", "—")] + [(str(o), str(o)) for o in field.options]
        return forms.ChoiceField(label=label, choices=options, required=False)
    if field.kind == FieldKind.CHECKBOX:
        return forms.BooleanField(label=label, required=False)
    return forms.CharField(label=label, max_length=1000, required=False)


class PropertiesForm(NoColon, forms.Form):
    """The side panel. Field values go to `services.update_ticket` as they are; the service
    validates them (status values, assignee membership, custom fields)."""

    status = forms.CharField(label=_("Status"), widget=forms.Select)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices)
    type = type_field()
    category = category_field()
    tags = tags_field()
    department = department_field(_("No department"), active=True)
    assignee = agent_field(_("Unassigned"))

    def __init__(self, *args: Any, ticket: Ticket, tag_names: list[str], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": (
                    f"custom:{ticket.custom_status_id}"
                    if ticket.custom_status_id
                    else ticket.status
                ),
                "priority": ticket.priority,
                "type": ticket.type_id,
                "category": ticket.category_id,
                "tags": ", ".join(tag_names),
                "department": ticket.department_id,
                "assignee": ticket.assignee_id,
                **{CUSTOM_PREFIX + k: v for k, v in ticket.custom_fields.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["status"].widget = FastSelect(choices=status_choices())
        self.custom_keys = []
        for field in reference.custom_fields_for(ticket.type_id):
            self.fields[CUSTOM_PREFIX + field.key] = custom_form_field(field)
            self.custom_keys.append(field.key)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        custom = {key: data.pop(CUSTOM_PREFIX + key) for key in self.custom_keys}
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        if custom:
            data["custom_fields"] = custom
        return data

    @property
    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + key] for key in self.custom_keys]


class TransferForm(NoColon, forms.Form):
    department = department_field(_("Keep department"), active=True)
    assignee = agent_field(_("Nobody"), label=_("Agent"))
    note = forms.CharField(
        label=_("Note for them"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TimeForm(NoColon, forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("What was done"), required=False, max_length=250)


class NewTicketForm(NoColon, forms.Form):
    requester_email = forms.EmailField(label=_("Requester email"))
    requester_name = forms.CharField(
        label=_("Requester name"),
        required=False,
        max_length=200,
        help_text=_("Used when the customer is new."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 7}), max_length=200_000
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in DESK_CHANNELS],
        initial=Channel.PHONE,
    )
    department = ModelChoice(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("No department"),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Priority.choices, initial=Priority.NORMAL
    )
    type = type_field()
    category = category_field()
    tags = tags_field()
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(ModelChoice, self.fields["department"])
        field.queryset = departments
        field.initial = departments.values_list("pk", flat=True).first()


class ProfileForm(NoColon, forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=lambda: [(z, z) for z in sorted(zoneinfo.available_timezones())],
    )

    class Meta:
        model = User
        fields = ("name", "language", "timezone")


class LanguageForm(NoColon, forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    it (custom fields `custom_fields.<key>` on `cf_<key>`), above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name
        if name.startswith("custom_fields."):
            field = CUSTOM_PREFIX + name.removeprefix("custom_fields.")
        if name == "requester" and "requester_email" in form.fields:
            field = "requester_email"
        form.add_error(field if field in form.fields else None, errors)


MAX_BULK = 500


class TicketNumbersField(forms.Field):
    """The ticked rows: ticket numbers, at least one and at most MAX_BULK."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if len(values) > MAX_BULK:
            raise ValidationError(
                _("At most %(max)d tickets at a time.") % {"max": MAX_BULK}, code="too_many"
            )
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise ValidationError(_("Ticket numbers are numbers."), code="invalid") from None


class BulkForm(NoColon, forms.Form):
    """The bar above the list: one change for every ticked ticket, or for every ticket the
    list's filters match (`matching`, with the list's query in `query`). Empty fields change
    nothing; the service checks each ticket on its own."""

    ticket = TicketNumbersField(label=_("Tickets"), required=False)
    matching = forms.BooleanField(label=_("All matching tickets"), required=False)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    status = status_filter(_("Leave as is"))
    priority = priority_filter(_("Leave as is"))
    department = department_field(_("Leave as is"), active=True)
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=lambda: [
            ("", _("Leave as is")),
            (NO_ASSIGNEE, _("Nobody")),
            *((str(u.pk), u.display_name) for u in agent_list()),
        ],
    )
    add_tag = forms.CharField(label=_("Add tag"), required=False, max_length=50)
    remove_tag = forms.CharField(label=_("Remove tag"), required=False, max_length=50)

    def spec(self) -> dict[str, Any]:
        """The change as plain values (`tickets.bulk.change_from` looks the rows up)."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            name: data[name]
            for name in ("status", "priority", "assignee", "add_tag", "remove_tag")
            if data.get(name)
        }
        if data.get("department"):
            spec["department"] = data["department"].pk
        return spec

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = ("status", "priority", "department", "assignee", "add_tag", "remove_tag")
        if not any(data.get(name) for name in wanted):
            raise ValidationError(_("Choose something to change."), code="nothing")
        if not data.get("matching") and not data.get("ticket"):
            raise ValidationError(_("Tick some tickets first."), code="required")
        return data


def sort_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    for key, label in COLUMNS:
        choices += [(f"-{key}", f"{label} ↓"), (key, f"{label} ↑")]
    return choices


class SavedViewForm(NoColon, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    shared = forms.BooleanField(
        label=_("Shared with the team"),
        required=False,
        help_text=_("Every agent sees it, each only the tickets they may see."),
    )


class SavedViewEditForm(SavedViewForm):
    group = forms.ChoiceField(label=_("Status group"), required=False)
    queue = forms.ChoiceField(
        label=_("Queue"),
        required=False,
        choices=[("", _("Any")), ("mine", _("Mine")), ("unassigned", _("Unassigned"))],
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=sort_choices)
    hidden = forms.BooleanField(label=_("Hidden from every sidebar"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("shared")  # whether a view is shared is settled when it is made
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            ("", _("Any")),
            *StatusGroup.choices,
            ("archived", _("Archived")),
        ]
        cast(forms.MultipleChoiceField, self.fields["columns"]).choices = [
            (str(k), str(label)) for k, label in COLUMNS
        ]
