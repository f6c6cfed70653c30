from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.sla.report import GROUPS

MAX_DAYS = 366 * 3


class ReportForm(forms.Form):
    """A grouping and a period (the last 30 days unless asked otherwise)."""

    default_group = "policy"
    group = forms.ChoiceField(
        label=_("Per"),
        choices=[(key, label) for key, (label, _expression) in GROUPS.items()],
        initial="policy",
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any = None) -> None:
        today = timezone.localdate()
        defaults = {
            "group": self.default_group,
            "start": today - dt.timedelta(days=29),
            "end": today,
        }
        super().__init__({**defaults, **{k: v for k, v in (data or {}).items() if v}})
        self.label_suffix = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data
