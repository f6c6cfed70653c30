"""Forms of the ticket actions (merge, split, link, snooze, bulk merge): they parse input; the
rules live in `tickets/merging.py` and `tickets/snoozing.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.desk.forms import NoColon, TicketNumbersField
from relaydesk.tickets.merging import MAX_SPLIT

MAX_NUMBER = 2**62
MORNING = dt.time(9, 0)


class TicketNumberForm(NoColon, forms.Form):
    """One other ticket, by number: the target of a merge, the ticket to link."""

    number = forms.IntegerField(label=_("Ticket number"), min_value=1, max_value=MAX_NUMBER)


class SplitForm(NoColon, forms.Form):
    message = forms.TypedMultipleChoiceField(
        label=_("Messages to move"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    subject = forms.CharField(label=_("Subject of the new ticket"), max_length=250)

    def __init__(self, *args: Any, messages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = messages

    def clean_message(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["message"]
        if len(chosen) > MAX_SPLIT:
            raise ValidationError(_("At most %(max)d messages at once.") % {"max": MAX_SPLIT})
        return chosen


class SnoozeForm(NoColon, forms.Form):
    """A preset (tomorrow 9:00, next Monday 9:00 in the agent's time zone) or a chosen time;
    `wake` ends the snooze now."""

    PRESETS = (
        ("tomorrow", _("Tomorrow 9:00")),
        ("next_week", _("Next week (Monday 9:00)")),
    )

    preset = forms.ChoiceField(choices=PRESETS, required=False)
    until = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    wake = forms.BooleanField(required=False)

    def moment(self) -> dt.datetime | None:
        """The chosen instant (aware, in the active time zone), or None to wake now."""
        data = self.cleaned_data
        if data.get("wake"):
            return None
        today = timezone.localdate()
        if data.get("preset") == "tomorrow":
            return _at_morning(today + dt.timedelta(days=1))
        if data.get("preset") == "next_week":
            return _at_morning(today + dt.timedelta(days=7 - today.weekday()))
        until: dt.datetime = data["until"]
        return until

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("wake") or data.get("preset") or data.get("until")
        if not chosen and not self.errors:
            raise ValidationError(_("Choose when the ticket wakes up."), code="missing")
        return data


def _at_morning(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, MORNING))


class BulkMergeForm(NoColon, forms.Form):
    ticket = TicketNumbersField(
        label=_("Tickets"), error_messages={"required": _("Tick some tickets first.")}
    )
    into = forms.IntegerField(
        label=_("Merge into"), required=False, min_value=1, max_value=MAX_NUMBER
    )

    def clean_ticket(self) -> list[int]:
        numbers: list[int] = self.cleaned_data["ticket"]
        if len(numbers) < 2:
            raise ValidationError(_("Tick at least two tickets to merge."))
        return numbers
