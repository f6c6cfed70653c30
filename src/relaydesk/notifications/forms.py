from __future__ import annotations

from django import forms

from relaydesk.notifications.models import Event


class PreferencesForm(forms.Form):
    """Two boxes per kind of event: in the app, by mail."""

    def __init__(
        self, *args: object, initial_choices: dict[str, tuple[bool, bool]], **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for event, label in Event.choices:
            in_app, email = initial_choices[event]
            self.fields[f"{event}_app"] = forms.BooleanField(required=False, initial=in_app)
            self.fields[f"{event}_email"] = forms.BooleanField(required=False, initial=email)
            self.fields[f"{event}_app"].label = label

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(label), self[f"{event}_app"], self[f"{event}_email"])
            for event, label in Event.choices
        ]

    def wanted(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {event: (data[f"{event}_app"], data[f"{event}_email"]) for event in Event.values}
