"""The fast select writes exactly what Django's own select writes."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import Department
from relaydesk.desk.forms import BulkForm, TicketFilterForm
from relaydesk.desk.widgets import FastSelect, speed_up

CHOICES: list[tuple[Any, Any]] = [
    ("", "— any —"),
    (None, "none"),
    ("1", 'Quotes " and <tags> & ampersands'),
    (2, gettext_lazy("Open")),
    ("3", mark_safe("<b>safe</b>")),
    ("it's", "apostrophe's"),
    ("Group", [("4", "four"), ("5", "five")]),
    ("", [("6", "nameless group")]),
    ("1", "the same value again"),
]


def django_select(**kwargs: Any) -> forms.Select:
    widget = forms.Select(**kwargs)
    widget.choices = CHOICES
    return widget


@pytest.mark.parametrize("value", ["", None, "1", 2, "5", "it's", ["1", "5"], "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "required": True, "disabled": False, "data-x": '"<>'}],
)
def test_same_markup_as_django(value: Any, attrs: dict[str, Any] | None) -> None:
    reference = django_select(attrs={"class": "pick"})
    fast = django_select(attrs={"class": "pick"})
    fast.__class__ = FastSelect
    expected = reference.render("field", value, attrs=attrs, renderer=Jinja2())
    assert fast.render("field", value, attrs=attrs) == expected


@pytest.mark.django_db
def test_model_choices_and_forms_render_the_same(agent: Any) -> None:
    Department.objects.create(name='R&D <"lab">')
    for form_class in (TicketFilterForm, BulkForm):
        fast, plain = form_class({"department": "1"}), form_class({"department": "1"})
        for field in plain.fields.values():
            if isinstance(field.widget, FastSelect):
                field.widget.__class__ = forms.Select
        assert any(isinstance(f.widget, FastSelect) for f in fast.fields.values())
        for name in fast.fields:
            assert str(fast[name]) == str(plain[name]), name


def test_only_plain_selects_are_swapped() -> None:
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=[("a", "A")])
        many = forms.MultipleChoiceField(choices=[("a", "A")])
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        maybe = forms.NullBooleanField()

    form = Form()
    speed_up(form)
    assert type(form.fields["plain"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert type(form.fields["maybe"].widget) is forms.NullBooleanSelect
