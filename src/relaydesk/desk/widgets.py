"""A select that writes its HTML in Python.

The desk's list and ticket pages carry a dozen selects with a few hundred options between
them. Django builds a dict per option and renders a template per option; this writes the
same markup straight from the choices, byte for byte (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape  # what the Jinja2 widget templates escape with


def _attrs(attrs: dict[str, Any]) -> str:
    """As Django's `attrs.html`: in order, True bare, False left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(value: Any, label: Any, selected: bool) -> str:
    mark = " selected" if selected else ""
    return f'\n  <option value="{escape(value)}"{mark}>{escape(label)}</option>'


class FastSelect(forms.Select):
    """`forms.Select` with the same output and without the per-option templates."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = self.format_value(value)
        found = False
        parts = [f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, (list, tuple))
            group: Iterable[tuple[Any, Any]] = (
                option_label if grouped else ((option_value, option_label),)
            )
            if grouped and option_value:
                parts.append(f'\n  <optgroup label="{escape(option_value)}">')
            for sub_value, sub_label in group:
                selected = not found and str(sub_value) in chosen
                found |= selected
                parts.append(_option(sub_value, sub_label, selected))
            if grouped and option_value:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


def speed_up(form: forms.BaseForm) -> None:
    """Give the form's plain selects the fast renderer (subclasses keep their own)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = FastSelect
