from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relaydesk.desk.forms import NoColon
from relaydesk.kb.models import KbCategory, Visibility


class ArticleForm(NoColon, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16, "class": "mono"}),
        help_text=_("## headings, **bold**, [links](https://…), ![images](…), lists."),
    )
    language = forms.ChoiceField(label=_("Language of this text"), choices=settings.LANGUAGES)
    category = forms.ModelChoiceField(label=_("Category"), queryset=KbCategory.objects.all())
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=120,
        required=False,
        help_text=_("The last part of the article's link; made from the title when empty."),
    )


class ImageForm(NoColon, forms.Form):
    image = forms.FileField(label=_("Image"), help_text=_("PNG, JPEG, GIF or WebP."))
    alt = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
