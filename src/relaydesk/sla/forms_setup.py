"""Forms of the service-level setup pages: plain fields, no JSON; the model's own checks
(`clean`) give the field errors, the saving is `sla.configuration`'s."""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, Organization
from relaydesk.desk.forms import NoColon
from relaydesk.sla.configuration import Targets
from relaydesk.sla.models import BusinessRange, Calendar, EscalationRule, Holiday, Kind, Policy
from relaydesk.tickets.fields import clean_value
from relaydesk.tickets.models import Channel, CustomField, Priority, StatusCategory, Tag
from relaydesk.tickets.services import MAX_TAGS, clean_tag_names

MAX_MINUTES = 366 * 24 * 60  # a target of at most a year
MAX_RANGES = 7 * 6
MAX_HOLIDAYS = 400
MAX_ESCALATIONS = 20
MAX_FIELD_CONDITIONS = 10
MAX_ORGANIZATIONS = 200
ORGANIZATION_MATCHES = 20
PAUSABLE = [
    (StatusCategory.PENDING, StatusCategory.PENDING.label),
    (StatusCategory.ON_HOLD, StatusCategory.ON_HOLD.label),
]


class OrganizationsField(forms.ModelMultipleChoiceField):
    """Organizations by id, at most `MAX_ORGANIZATIONS` (checked before any query). Ticked
    among the results of a search (`OrganizationSearch`), never offered as a list of all."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.MultipleHiddenInput)
        super().__init__(queryset=Organization.objects.all(), required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        if value and len(value) > MAX_ORGANIZATIONS:
            raise forms.ValidationError(
                _("At most %(n)s organizations.") % {"n": MAX_ORGANIZATIONS}
            )
        return super().clean(value)


class CalendarForm(NoColon, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in sorted(zoneinfo.available_timezones())]
    )

    class Meta:
        model = Calendar
        fields = ["name", "time_zone", "country", "subdivision"]


class RangeForm(NoColon, forms.ModelForm):
    class Meta:
        model = BusinessRange
        fields = ["weekday", "start", "end"]
        help_texts = {"end": ""}  # the fieldset says it once
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class HolidayForm(NoColon, forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


# A posted TOTAL_FORMS above absolute_max is refused before any row form is built.
RangeFormSet = forms.inlineformset_factory(
    Calendar,
    BusinessRange,
    form=RangeForm,
    extra=3,
    can_delete=True,
    max_num=MAX_RANGES,
    absolute_max=MAX_RANGES,
    validate_max=True,
)
HolidayFormSet = forms.inlineformset_factory(
    Calendar,
    Holiday,
    form=HolidayForm,
    extra=2,
    can_delete=True,
    max_num=MAX_HOLIDAYS,
    absolute_max=MAX_HOLIDAYS,
    validate_max=True,
)


class PolicyForm(NoColon, forms.ModelForm):
    pause_statuses = forms.MultipleChoiceField(
        label=_("Pause the clock in"),
        choices=PAUSABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solved and closed always stop it; a customer reply resumes it."),
    )
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priorities"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = OrganizationsField(label=_("Organizations"))
    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * 52,
        help_text=_("Comma-separated; the ticket has all of them."),
    )

    class Meta:
        model = Policy
        fields = [
            "name",
            "is_active",
            "calendar",
            "at_risk_percent",
            "pause_statuses",
            "priorities",
            "channels",
            "departments",
            "organizations",
            "ticket_types",
        ]
        widgets = {"ticket_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calendar = self.fields["calendar"]
        assert isinstance(calendar, forms.ModelChoiceField)
        calendar.empty_label = str(_("24/7: every hour counts"))
        if self.instance.pk and not self.is_bound:
            self.initial["tag_names"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["at_risk_percent"].help_text = _("Amber from this share of the target on.")

    def chosen_organizations(self) -> list[Organization]:
        """The organizations ticked: as posted (those that exist) or as saved."""
        if self.is_bound:
            name = self.add_prefix("organizations")
            posted = self.fields["organizations"].widget.value_from_datadict(
                self.data, self.files, name
            )
            ids = [int(v) for v in posted[:MAX_ORGANIZATIONS] if v.isdigit() and len(v) < 19]
        else:
            ids = [o.pk for o in self.initial.get("organizations") or []]
        return list(Organization.objects.filter(pk__in=ids).order_by("name"))

    def clean_tag_names(self) -> list[Tag]:
        try:
            names = clean_tag_names(self.cleaned_data["tag_names"].split(","))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["tags"]) from None
        tags = list(Tag.objects.filter(name__in=names))
        unknown = sorted(set(names) - {t.name for t in tags})
        if unknown:
            raise forms.ValidationError(
                _("No tickets have these tags yet: %(names)s") % {"names": ", ".join(unknown)}
            )
        return tags


class OrganizationSearch(forms.Form):
    """The policy form's organization search: the words typed and the organizations ticked
    so far (shown first, still ticked, so a new search loses none of them)."""

    q = forms.CharField(required=False, max_length=100)
    organizations = OrganizationsField()

    def choices(self) -> dict[str, Any]:
        chosen = sorted(self.cleaned_data["organizations"], key=lambda o: o.name)
        words = self.cleaned_data["q"]
        matches = (
            Organization.objects.filter(name__icontains=words)
            .exclude(pk__in=[o.pk for o in chosen])
            .order_by("name")[:ORGANIZATION_MATCHES]
            if words
            else []
        )
        return {"chosen": chosen, "matches": matches, "q": words}


class TargetForm(NoColon, forms.Form):
    """The promise for one priority, in business minutes."""

    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, widget=forms.HiddenInput
    )
    first_response = forms.IntegerField(
        label=Kind.FIRST_RESPONSE.label, min_value=1, max_value=MAX_MINUTES, required=False
    )
    next_response = forms.IntegerField(
        label=Kind.NEXT_RESPONSE.label, min_value=1, max_value=MAX_MINUTES, required=False
    )
    resolution = forms.IntegerField(
        label=Kind.RESOLUTION.label, min_value=1, max_value=MAX_MINUTES, required=False
    )

    def priority_label(self) -> str:
        value = self.initial.get("priority") or self.data.get(self.add_prefix("priority"))
        try:
            return str(Priority(int(str(value))).label)
        except (TypeError, ValueError):
            return ""


class BaseTargetFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = [f.cleaned_data.get("priority") for f in self.forms]
        if len(seen) != len(Priority.values) or set(seen) != set(Priority.values):
            raise forms.ValidationError(_("Give one row per priority."))

    def targets(self) -> Targets:
        return {
            f.cleaned_data["priority"]: {kind: f.cleaned_data.get(kind) for kind in Kind.values}
            for f in self.forms
        }


TargetFormSet = cast(
    type[BaseTargetFormSet],
    forms.formset_factory(
        TargetForm,
        formset=BaseTargetFormSet,
        extra=0,
        min_num=len(Priority.values),  # every row is checked, even one left as it was
        max_num=len(Priority.values),
        absolute_max=len(Priority.values),
        validate_max=True,
    ),
)


def target_initial(policy: Policy | None) -> list[dict[str, Any]]:
    """One row per priority, most urgent first, with the policy's minutes."""
    saved = {t.priority: t for t in policy.targets.all()} if policy else {}
    rows = []
    for priority in sorted(Priority.values, reverse=True):
        target = saved.get(priority)
        row: dict[str, Any] = {"priority": priority}
        for kind in Kind.values:
            row[kind] = getattr(target, kind) if target else None
        rows.append(row)
    return rows


class FieldConditionForm(NoColon, forms.Form):
    """The ticket's custom field has this value."""

    key = forms.ChoiceField(label=_("Custom field"), required=False)
    value = forms.CharField(label=_("Value"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = self.fields["key"]
        assert isinstance(key, forms.ChoiceField)
        key.choices = [("", "—"), *CustomField.objects.values_list("key", "label")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key"):
            return data
        field = CustomField.objects.get(key=data["key"])
        try:
            data["value"] = clean_value(field, data.get("value", ""))
        except ValueError as error:
            self.add_error("value", str(error))
            return data
        if data["value"] is None:
            self.add_error("value", _("Enter the value to match."))
        return data


class BaseFieldConditionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        keys = [f.cleaned_data["key"] for f in self.forms if f.cleaned_data.get("key")]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("Each custom field once."))

    def values(self) -> dict[str, Any]:
        return {
            f.cleaned_data["key"]: f.cleaned_data["value"]
            for f in self.forms
            if f.cleaned_data.get("key")
        }


FieldConditionFormSet = cast(
    type[BaseFieldConditionFormSet],
    forms.formset_factory(
        FieldConditionForm,
        formset=BaseFieldConditionFormSet,
        extra=2,
        max_num=MAX_FIELD_CONDITIONS,
        absolute_max=MAX_FIELD_CONDITIONS,
        validate_max=True,
    ),
)


def field_initial(policy: Policy | None) -> list[dict[str, Any]]:
    values = policy.custom_fields if policy else {}
    return [{"key": key, "value": value} for key, value in values.items()]


class EscalationForm(NoColon, forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["stage", "kind", "action", "agent", "note"]
        help_texts = {"kind": ""}
        widgets = {"note": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Any target")), *Kind.choices]


EscalationFormSet = forms.inlineformset_factory(
    Policy,
    EscalationRule,
    form=EscalationForm,
    extra=2,
    can_delete=True,
    max_num=MAX_ESCALATIONS,
    absolute_max=MAX_ESCALATIONS,
    validate_max=True,
)
