"""The fast select and field groups write exactly what Django's own templates write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import Department
from relaydesk.desk.forms import BulkForm, PropertiesForm, TicketFilterForm, TimeForm, TransferForm
from relaydesk.desk.templatetags.desk import field_group
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


class Sample(forms.Form):
    name = forms.CharField(help_text='Your <em>full</em> name & "title"', max_length=20)
    note = forms.CharField(widget=forms.Textarea, required=False, label='Note <"x">')
    quiet = forms.CharField(label="", required=False)
    count = forms.IntegerField(min_value=1)
    pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    way = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    own = forms.CharField(required=False, template_name="django/forms/p.html")


def django_group(field: forms.BoundField) -> str:
    """What desk/_field.html wrote with Django's field template."""
    errors = " has-error" if field.errors else ""
    return f'<div class="field{errors}">{field.as_field_group()}</div>'


@pytest.mark.parametrize(
    "form",
    [
        Sample(),
        Sample(auto_id=False),
        Sample({"name": "x" * 30, "count": "0", "pick": "z", "way": "q"}),
        Sample({"name": "Ann", "count": "2", "pick": "a", "way": "x", "agree": "on"}),
    ],
)
def test_field_group_writes_what_django_writes(form: forms.Form) -> None:
    for field in form:
        assert field_group(field) == django_group(field), field.name


@pytest.mark.django_db
def test_ticket_page_forms_group_as_django_does(ticket: Any) -> None:
    forms_shown = (
        PropertiesForm(ticket=ticket, tag_names=["a"]),
        PropertiesForm({"status": "nonsense"}, ticket=ticket, tag_names=[]),
        TransferForm(),
        TimeForm({"minutes": "-1"}),
    )
    for form in forms_shown:
        for field in form:
            assert field_group(field) == django_group(field), field.name
